package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/burnwatch/burnwatch/burnrate"
)

// attainmentView is the SLI over the period set against the objective,
// what Pyrra calls availability: "99.87%", met or missed.
type attainmentView struct {
	Text  string
	Class string
	Title string
}

// attainment reads an SLO's SLI over its period (1 − the period's error
// ratio) with one more decimal than its objective has, at least two,
// rounded down, so that 99.95% against 99.9% reads as met, 99.89% as
// missed, and nothing short of perfect as 100%.
func attainment(st *burnrate.Status) attainmentView {
	if math.IsNaN(budgetRemaining(st)) || math.IsNaN(st.Budget.ErrorRatio) {
		return attainmentView{Text: unknown, Class: "unknown", Title: "not known: no evaluation of the period"}
	}
	obj := st.SLO.Objective
	decimals := 2
	if s := strconv.FormatFloat(math.Round(obj*1e6)/1e4, 'f', -1, 64); strings.Contains(s, ".") {
		decimals = max(decimals, len(s)-strings.Index(s, ".")-1+1)
	}
	sli := 1 - st.Budget.ErrorRatio
	// Rounded down: 99.995% is not 100.00%.
	scale := math.Pow(10, float64(decimals))
	shown := math.Floor(sli*100*scale+1e-6) / scale
	v := attainmentView{Text: strconv.FormatFloat(shown, 'f', decimals, 64) + "%", Class: "met"}
	v.Title = "the SLI over the " + st.SLO.Period.String() + " period: " + v.Text + " of valid events were good; the objective is " + objective(obj)
	if sli < obj {
		v.Class = "missed"
	}
	return v
}
