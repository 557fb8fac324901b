package alerting

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
)

// Store keeps alert state in a bbolt file in the data directory: incidents,
// their delivery records and the outbox of notifications not yet delivered.
// Every change of an evaluation is one transaction, committed (and synced)
// before anything is sent, so a crash at any point loses no notification
// and a restart never opens an incident twice.
//
// Incidents are indexed twice: the open ones by SLO and kind, the resolved
// ones by when they resolved. A cycle reads neither (the Manager keeps the
// open incidents in memory); listing reads only the open ones and the
// recent resolved ones; pruning cuts the resolved index from its old end.
// Delivery records live apart from incidents, one per notification and
// receiver, written by the Manager when it queues and by the dispatcher
// when it delivers; they only move forward.
type Store struct {
	db *bbolt.DB
	// decodes counts incident records read, for tests of what a cycle
	// costs.
	decodes atomic.Int64
}

var (
	bucketIncidents  = []byte("incidents")  // incident key → Incident
	bucketOpen       = []byte("open")       // kind \x00 slo id → incident key
	bucketResolved   = []byte("resolved")   // resolved-at (ns, big endian) + incident key → nothing
	bucketDeliveries = []byte("deliveries") // incident key \x00 notification id \x00 receiver → Delivery (JSON)
	bucketOutbox     = []byte("outbox")     // receiver → (sequence → OutboxEntry)
	bucketMeta       = []byte("meta")       // "schema" → version
)

// schemaVersion 2 keeps deliveries in records of their own and indexes
// resolved incidents by time; version 1 files are migrated when opened.
const schemaVersion = 2

// OutboxEntry is a notification waiting to be delivered to one receiver.
// Entries are stored with encoding/gob, which keeps NaN burn rates (windows
// without traffic) that JSON cannot hold.
type OutboxEntry struct {
	Seq          uint64
	Receiver     string
	Notification *Notification
	Attempts     int
	NextAttempt  time.Time
	LastError    string
}

// OpenStore opens (or creates) the store at path.
func OpenStore(path string) (*Store, error) {
	return openStore(path, &bbolt.Options{Timeout: 5 * time.Second})
}

func openStore(path string, opts *bbolt.Options) (*Store, error) {
	db, err := bbolt.Open(path, 0o600, opts)
	if err != nil {
		return nil, fmt.Errorf("open alert store %s: %w", path, err)
	}
	s := &Store{db: db}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketIncidents, bucketOpen, bucketResolved, bucketDeliveries, bucketOutbox, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return s.migrate(tx)
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise alert store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// migrate brings a version 1 file up: deliveries move out of their
// incidents into records of their own, and resolved incidents are indexed
// by time. It reads every incident once, when the file is first opened by
// this version.
func (s *Store) migrate(tx *bbolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if v := meta.Get([]byte("schema")); v != nil {
		return nil
	}
	// Version 1 keyed the open index by SLO id first.
	if err := tx.DeleteBucket(bucketOpen); err != nil {
		return err
	}
	if _, err := tx.CreateBucket(bucketOpen); err != nil {
		return err
	}
	incidents := tx.Bucket(bucketIncidents)
	var all []*Incident
	err := incidents.ForEach(func(key, v []byte) error {
		i, err := s.decodeIncident(v)
		if err != nil {
			return fmt.Errorf("incident %s: %w", key, err)
		}
		all = append(all, i)
		return nil
	})
	if err != nil {
		return err
	}
	for _, i := range all {
		for _, d := range i.Deliveries {
			if err := putDelivery(tx, i.Key, d); err != nil {
				return err
			}
		}
		if err := putIncident(tx, *i); err != nil {
			return err
		}
	}
	return meta.Put([]byte("schema"), []byte{schemaVersion})
}

func (k openKey) bytes() []byte { return []byte(string(k.Kind) + "\x00" + k.SLO) }

func resolvedKey(i *Incident) []byte { return append(timeKey(i.ResolvedAt), i.Key...) }

// timeKey orders times in the resolved index; times before 1970 (the zero
// time of "since ever") come first.
func timeKey(t time.Time) []byte {
	var ns uint64
	if t.After(time.Unix(0, 0)) {
		ns = uint64(t.UnixNano())
	}
	return binary.BigEndian.AppendUint64(nil, ns)
}

func deliveryKey(incident, notification, receiver string) []byte {
	return []byte(incident + "\x00" + notification + "\x00" + receiver)
}

// OpenIncidents returns every incident that is firing.
func (s *Store) OpenIncidents() ([]*Incident, error) {
	var out []*Incident
	err := s.db.View(func(tx *bbolt.Tx) error {
		inc := tx.Bucket(bucketIncidents)
		return tx.Bucket(bucketOpen).ForEach(func(_, key []byte) error {
			i, err := s.decodeIncident(inc.Get(key))
			if err != nil {
				return fmt.Errorf("incident %s: %w", key, err)
			}
			if i != nil {
				out = append(out, i)
			}
			return nil
		})
	})
	return out, err
}

// Resolved returns the incidents resolved at or after since, most recently
// resolved first, at most limit of them, without their deliveries. It reads
// only those, through the index by time.
func (s *Store) Resolved(since time.Time, limit int) ([]Incident, error) {
	var out []Incident
	from := timeKey(since)
	err := s.db.View(func(tx *bbolt.Tx) error {
		inc := tx.Bucket(bucketIncidents)
		c := tx.Bucket(bucketResolved).Cursor()
		for k, _ := c.Last(); k != nil && bytes.Compare(k[:8], from) >= 0 && len(out) < limit; k, _ = c.Prev() {
			i, err := s.decodeIncident(inc.Get(k[8:]))
			if err != nil {
				return fmt.Errorf("incident %s: %w", k[8:], err)
			}
			if i != nil {
				out = append(out, *i)
			}
		}
		return nil
	})
	return out, err
}

// Incidents returns the open incidents and those resolved at or after
// since, newest first, at most limit of them, with their deliveries.
func (s *Store) Incidents(since time.Time, limit int) ([]*Incident, error) {
	return ListIncidents(s, since, limit)
}

// Deliveries returns the delivery records of incidents, each incident's
// oldest first, in one read.
func (s *Store) Deliveries(incidentKeys ...string) (map[string][]Delivery, error) {
	out := make(map[string][]Delivery, len(incidentKeys))
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketDeliveries).Cursor()
		for _, key := range incidentKeys {
			prefix := []byte(key + "\x00")
			var list []Delivery
			for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
				var d Delivery
				if err := json.Unmarshal(v, &d); err != nil {
					return fmt.Errorf("delivery %q: %w", k, err)
				}
				list = append(list, d)
			}
			slices.SortStableFunc(list, func(a, b Delivery) int { return a.QueuedAt.Compare(b.QueuedAt) })
			out[key] = list
		}
		return nil
	})
	return out, err
}

// Commit saves incidents and queues notifications, each with a pending
// delivery record, in one transaction. A resolved incident leaves the open
// index for the resolved one. An incident's record never carries its
// deliveries: the dispatcher's outcomes are never overwritten.
func (s *Store) Commit(incidents []Incident, queue []*OutboxEntry) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		outbox := tx.Bucket(bucketOutbox)
		for _, e := range queue {
			b, err := outbox.CreateBucketIfNotExists([]byte(e.Receiver))
			if err != nil {
				return err
			}
			if e.Seq, err = b.NextSequence(); err != nil {
				return err
			}
			data, err := encode(e)
			if err != nil {
				return fmt.Errorf("encode notification %s: %w", e.Notification.ID, err)
			}
			if err := b.Put(seqKey(e.Seq), data); err != nil {
				return err
			}
			n := e.Notification
			d := Delivery{NotificationID: n.ID, Receiver: e.Receiver, Status: n.Status, Repeat: n.Repeat,
				State: DeliveryPending, QueuedAt: n.EvaluatedAt}
			if err := putDelivery(tx, n.IncidentKey, d); err != nil {
				return err
			}
		}
		for _, i := range incidents {
			if err := putIncident(tx, i); err != nil {
				return err
			}
		}
		return nil
	})
}

func putIncident(tx *bbolt.Tx, i Incident) error {
	i.Deliveries = nil
	data, err := encode(&i)
	if err != nil {
		return fmt.Errorf("encode incident %s: %w", i.Key, err)
	}
	if err := tx.Bucket(bucketIncidents).Put([]byte(i.Key), data); err != nil {
		return err
	}
	open, key := tx.Bucket(bucketOpen), i.openKey().bytes()
	if i.State == IncidentFiring {
		return open.Put(key, []byte(i.Key))
	}
	if string(open.Get(key)) == i.Key {
		if err := open.Delete(key); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketResolved).Put(resolvedKey(&i), nil)
}

// putDelivery writes a delivery record, merged into the one already there
// so that it never moves backwards.
func putDelivery(tx *bbolt.Tx, incidentKey string, d Delivery) error {
	b := tx.Bucket(bucketDeliveries)
	key := deliveryKey(incidentKey, d.NotificationID, d.Receiver)
	if old := b.Get(key); old != nil {
		var prev Delivery
		if err := json.Unmarshal(old, &prev); err != nil {
			return fmt.Errorf("delivery %q: %w", key, err)
		}
		d = prev.Advance(d)
	}
	data, err := json.Marshal(&d)
	if err != nil {
		return fmt.Errorf("encode delivery %q: %w", key, err)
	}
	return b.Put(key, data)
}

// Prune deletes incidents resolved before the given time, with their
// delivery records, and returns how many it deleted. It reads the resolved
// index from its old end and stops at the first younger incident; one call
// deletes at most 1,000 incidents.
func (s *Store) Prune(before time.Time) (int, error) {
	n := 0
	until := timeKey(before)
	due := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		k, _ := tx.Bucket(bucketResolved).Cursor().First()
		due = k != nil && bytes.Compare(k[:8], until) < 0
		return nil
	})
	if err != nil || !due {
		return 0, err // a write transaction only when there is something to prune
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		deliveries := tx.Bucket(bucketDeliveries)
		c := tx.Bucket(bucketResolved).Cursor()
		for k, _ := c.First(); k != nil && bytes.Compare(k[:8], until) < 0 && n < 1000; k, _ = c.First() {
			key := append([]byte(nil), k[8:]...)
			if err := c.Delete(); err != nil {
				return err
			}
			if err := tx.Bucket(bucketIncidents).Delete(key); err != nil {
				return err
			}
			prefix := append(key, 0)
			dc := deliveries.Cursor()
			for dk, _ := dc.Seek(prefix); dk != nil && bytes.HasPrefix(dk, prefix); dk, _ = dc.Seek(prefix) {
				if err := dc.Delete(); err != nil {
					return err
				}
			}
			n++
		}
		return nil
	})
	return n, err
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func (s *Store) decodeIncident(data []byte) (*Incident, error) {
	if data == nil {
		return nil, nil
	}
	s.decodes.Add(1)
	i := &Incident{}
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(i); err != nil {
		return nil, err
	}
	return i, nil
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	err := gob.NewEncoder(&buf).Encode(v)
	return buf.Bytes(), err
}
