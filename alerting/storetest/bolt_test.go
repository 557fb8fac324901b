package storetest_test

import (
	"path/filepath"
	"testing"

	"github.com/burnwatch/burnwatch/alerting"
	"github.com/burnwatch/burnwatch/alerting/storetest"
)

func TestTheBboltStoreConforms(t *testing.T) {
	storetest.Run(t, func(t *testing.T) alerting.Storage {
		s, err := alerting.OpenStore(filepath.Join(t.TempDir(), "alerts.db"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}
