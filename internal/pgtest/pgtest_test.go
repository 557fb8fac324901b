package pgtest_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/burnwatch/burnwatch/internal/pgtest"
)

func TestAStartedServerAnswersQueries(t *testing.T) {
	s := pgtest.Start(t)
	db, err := sql.Open("pgx", s.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var got int
	if err := db.QueryRowContext(context.Background(), "SELECT 40 + 2").Scan(&got); err != nil {
		t.Fatal(err)
	}
	if got != 42 {
		t.Errorf("SELECT 40 + 2 = %d", got)
	}
}
