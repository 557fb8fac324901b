package prom

import (
	"fmt"

	"github.com/prometheus/common/model"
)

// instantVector returns the answer of an instant query as a vector. A scalar
// becomes one sample with no labels, so that expressions like
// `vector(1) / 2` and `scalar(x)` read the same way as any other.
func instantVector(v model.Value) (model.Vector, error) {
	switch v := v.(type) {
	case model.Vector:
		return v, nil
	case *model.Scalar:
		return model.Vector{{Metric: model.Metric{}, Value: v.Value, Timestamp: v.Timestamp}}, nil
	case nil:
		return nil, fmt.Errorf("instant query returned no result, want a vector")
	default:
		return nil, fmt.Errorf("instant query returned a %s, want a vector or scalar", v.Type())
	}
}

// rangeMatrix returns the answer of a range query as a matrix.
func rangeMatrix(v model.Value) (model.Matrix, error) {
	switch v := v.(type) {
	case model.Matrix:
		return v, nil
	case nil:
		return nil, fmt.Errorf("range query returned no result, want a matrix")
	default:
		return nil, fmt.Errorf("range query returned a %s, want a matrix", v.Type())
	}
}
