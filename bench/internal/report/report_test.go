package report

import (
	"testing"
	"time"
)

func TestTableEscapesPipes(t *testing.T) {
	var tb Table
	tb.Header = []string{"a", "b"}
	tb.Row("x|y", "1")
	want := "| a | b |\n| --- | --- |\n| x\\|y | 1 |\n"
	if got := tb.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"thousands are separated", Count(1234567), "1,234,567"},
		{"small counts are left alone", Count(12), "12"},
		{"a large ratio has no decimals", Ratio(123.4), "123×"},
		{"a small ratio keeps two digits", Ratio(7.56), "7.6×"},
		{"a negative duration was not measured", Duration(-1), "—"},
		{"seconds are rounded to 10 ms", Duration(1234567 * time.Microsecond), "1.23s"},
		{"whole hours drop their minutes", Duration(104 * time.Hour), "104h"},
		{"whole minutes drop their seconds", Duration(5*time.Hour + 59*time.Minute), "5h59m"},
		{"minutes keep their seconds", Duration(29*time.Minute + 45*time.Second), "29m45s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	ds := []time.Duration{5, 1, 4, 2, 3}
	if p50, p99 := Percentile(ds, 50), Percentile(ds, 99); p50 != 3 || p99 != 5 {
		t.Errorf("p50 %v p99 %v, want 3 and 5", p50, p99)
	}
}
