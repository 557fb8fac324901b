package alerting

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// Store keeps alert state in a bbolt file in the data directory: incidents
// and the outbox of notifications not yet delivered. Every change of an
// evaluation is one transaction, committed (and synced) before anything is
// sent, so a crash at any point loses no notification and a restart never
// opens an incident twice.
type Store struct {
	db *bbolt.DB
}

var (
	bucketIncidents = []byte("incidents") // incident key → Incident
	bucketOpen      = []byte("open")      // slo id \x00 kind → incident key
	bucketOutbox    = []byte("outbox")    // receiver → (sequence → OutboxEntry)
)

// maxDeliveries bounds the deliveries an incident remembers.
const maxDeliveries = 100

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
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("open alert store %s: %w", path, err)
	}
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketIncidents, bucketOpen, bucketOutbox} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("initialise alert store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

func openKey(sloID string, kind Kind) []byte { return []byte(sloID + "\x00" + string(kind)) }

// OpenIncidents returns every incident that is firing.
func (s *Store) OpenIncidents() ([]*Incident, error) {
	var out []*Incident
	err := s.db.View(func(tx *bbolt.Tx) error {
		inc := tx.Bucket(bucketIncidents)
		return tx.Bucket(bucketOpen).ForEach(func(_, key []byte) error {
			i, err := decodeIncident(inc.Get(key))
			if err != nil {
				return fmt.Errorf("incident %s: %w", key, err)
			}
			out = append(out, i)
			return nil
		})
	})
	return out, err
}

// Incidents returns the incidents that were firing at or after since, newest
// first, at most limit of them.
func (s *Store) Incidents(since time.Time, limit int) ([]*Incident, error) {
	var out []*Incident
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketIncidents).ForEach(func(key, v []byte) error {
			i, err := decodeIncident(v)
			if err != nil {
				return fmt.Errorf("incident %s: %w", key, err)
			}
			if i.State == IncidentFiring || !i.ResolvedAt.Before(since) {
				out = append(out, i)
			}
			return nil
		})
	})
	slices.SortFunc(out, func(a, b *Incident) int { return b.StartedAt.Compare(a.StartedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// Commit saves incidents and queues notifications in one transaction. A
// resolved incident leaves the open index.
func (s *Store) Commit(incidents []*Incident, queue []*OutboxEntry) error {
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
		}
		for _, i := range incidents {
			if err := putIncident(tx, i); err != nil {
				return err
			}
		}
		return nil
	})
}

func putIncident(tx *bbolt.Tx, i *Incident) error {
	if len(i.Deliveries) > maxDeliveries {
		i.Deliveries = i.Deliveries[len(i.Deliveries)-maxDeliveries:]
	}
	data, err := encode(i)
	if err != nil {
		return fmt.Errorf("encode incident %s: %w", i.Key, err)
	}
	if err := tx.Bucket(bucketIncidents).Put([]byte(i.Key), data); err != nil {
		return err
	}
	open := tx.Bucket(bucketOpen)
	if i.State == IncidentFiring {
		return open.Put(openKey(i.SLOID, i.Kind), []byte(i.Key))
	}
	if string(open.Get(openKey(i.SLOID, i.Kind))) == i.Key {
		return open.Delete(openKey(i.SLOID, i.Kind))
	}
	return nil
}

// Head returns the oldest queued notification of a receiver, or nil.
func (s *Store) Head(receiver string) (*OutboxEntry, error) {
	var out *OutboxEntry
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox).Bucket([]byte(receiver))
		if b == nil {
			return nil
		}
		k, v := b.Cursor().First()
		if k == nil {
			return nil
		}
		out = &OutboxEntry{}
		if err := gob.NewDecoder(bytes.NewReader(v)).Decode(out); err != nil {
			return fmt.Errorf("outbox %s entry %d: %w", receiver, binary.BigEndian.Uint64(k), err)
		}
		out.Seq = binary.BigEndian.Uint64(k)
		return nil
	})
	return out, err
}

// Finish removes a delivered (or given up) notification from the outbox and
// records the outcome on its incident, in one transaction.
func (s *Store) Finish(e *OutboxEntry, state DeliveryState, at time.Time) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		if b := tx.Bucket(bucketOutbox).Bucket([]byte(e.Receiver)); b != nil {
			if err := b.Delete(seqKey(e.Seq)); err != nil {
				return err
			}
		}
		return s.updateDelivery(tx, e, func(d *Delivery) {
			d.State, d.Attempts, d.LastError = state, e.Attempts, e.LastError
			if state == DeliverySent {
				d.SentAt = at
			}
		})
	})
}

// Retry records a failed attempt and when to try again.
func (s *Store) Retry(e *OutboxEntry) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketOutbox).Bucket([]byte(e.Receiver))
		if b == nil || b.Get(seqKey(e.Seq)) == nil {
			return nil
		}
		data, err := encode(e)
		if err != nil {
			return err
		}
		if err := b.Put(seqKey(e.Seq), data); err != nil {
			return err
		}
		return s.updateDelivery(tx, e, func(d *Delivery) { d.Attempts, d.LastError = e.Attempts, e.LastError })
	})
}

func (s *Store) updateDelivery(tx *bbolt.Tx, e *OutboxEntry, update func(*Delivery)) error {
	key := []byte(e.Notification.IncidentKey)
	i, err := decodeIncident(tx.Bucket(bucketIncidents).Get(key))
	if err != nil || i == nil {
		return err
	}
	for j := range i.Deliveries {
		d := &i.Deliveries[j]
		if d.NotificationID == e.Notification.ID && d.Receiver == e.Receiver {
			update(d)
		}
	}
	data, err := encode(i)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketIncidents).Put(key, data)
}

// Depth returns the number of queued notifications per receiver.
func (s *Store) Depth() (map[string]int, error) {
	out := map[string]int{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEachBucket(func(name []byte) error {
			out[string(name)] = tx.Bucket(bucketOutbox).Bucket(name).Stats().KeyN
			return nil
		})
	})
	return out, err
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func decodeIncident(data []byte) (*Incident, error) {
	if data == nil {
		return nil, nil
	}
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
