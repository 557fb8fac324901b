package burnrate

import (
	"math"
	"time"
)

// BurnRate is how fast an error ratio spends the error budget: 1 spends
// exactly the budget over the period, 14.4 spends a 30-day budget in 50
// hours. errorBudget is 1 − objective.
func BurnRate(errorRatio, errorBudget float64) float64 {
	if math.IsNaN(errorRatio) || errorBudget <= 0 {
		return math.NaN()
	}
	return errorRatio / errorBudget
}

// BudgetRemaining is the share of the period's error budget not yet spent
// given the period's error ratio: 1 untouched, 0 spent, negative overspent.
func BudgetRemaining(periodErrorRatio, errorBudget float64) float64 {
	if math.IsNaN(periodErrorRatio) {
		return 1
	}
	return 1 - periodErrorRatio/errorBudget
}

// TimeToExhaustion is how long the remaining budget lasts at a burn rate,
// for a period of the given length; ok is false when the budget is not being
// spent (burn rate 0 or unknown).
func TimeToExhaustion(remaining, burnRate float64, period time.Duration) (d time.Duration, ok bool) {
	if math.IsNaN(burnRate) || burnRate <= 0 {
		return 0, false
	}
	if remaining <= 0 {
		return 0, true
	}
	return time.Duration(remaining / burnRate * float64(period)), true
}

// errorRatio is bad / valid, clamped to [0, 1]; NaN when there were no valid
// events. Extrapolation can make bad slightly negative or above valid.
func errorRatio(bad, valid float64) float64 {
	if !(valid > 0) || math.IsInf(valid, 0) || math.IsNaN(bad) {
		return math.NaN()
	}
	return math.Min(1, math.Max(0, bad/valid))
}
