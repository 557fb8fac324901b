package transport

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
)

// JSON encodes v as receivers send it: without HTML escaping (a summary's
// "<" and "&" arrive as written) and without a trailing newline.
func JSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Number is a float64 in a receiver's JSON body. A value that is not
// finite (a burn rate over a window without traffic, a budget that could
// not be computed) is null, and a finite one has at most ten significant
// digits: objectives, factors and rates read as the spec wrote them.
type Number float64

// MarshalJSON writes n as a JSON number or null.
func (n Number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', significantDigits, 64), nil
}

var _ json.Marshaler = Number(0)

// significantDigits is how many digits a number in a body keeps: enough
// for any objective or rate, few enough to drop the noise of float
// arithmetic (99.9 / 100 = 0.9990000000000001).
const significantDigits = 10

// Format writes x in text, the way Number writes it in JSON: at most ten
// significant digits, "0.999" for an objective of 99.9 / 100.
func Format(x float64) string {
	return strconv.FormatFloat(x, 'g', significantDigits, 64)
}
