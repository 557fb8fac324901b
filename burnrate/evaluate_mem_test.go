package burnrate_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/burnwatch/burnwatch/burnrate"
)

// BenchmarkEvaluatorMemory measures the heap an evaluator holds on the
// bench fleet (bench_test.go): after its first cycle, which builds every
// tile, and after 20 steady cycles, each measured after a collection with
// the evaluator alive, less the heap before it was made (the engine's).
// first-peak-MiB is the most heap seen during the first cycle, less that
// same base: what the first cycle costs at once, its answers included.
//
//	go test -run '^$' -bench EvaluatorMemory -benchtime 1x ./burnrate
//
// BURNWATCH_HEAP_PROFILE=prefix writes the heap profiles taken at both
// points (prefix.first, prefix.steady): their inuse_space, focused on
// burnrate, says what holds the memory.
func BenchmarkEvaluatorMemory(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("slos=%d", n), func(b *testing.B) { benchMemory(b, n) })
	}
}

func benchMemory(b *testing.B, n int) {
	eng, at := fleet(b)
	slos := fleetSLOs(b, n)
	ctx := context.Background()
	for range b.N {
		base := liveHeap()
		peak := watchHeap()
		ev := burnrate.NewEvaluator(burnrate.Options{})
		mustEvaluate(b, ev.Evaluate(ctx, eng, slos, at))
		firstPeak := peak()
		first := liveHeap()
		writeHeapProfile(b, "first")
		for step := 1; step <= 20; step++ {
			mustEvaluate(b, ev.Evaluate(ctx, eng, slos, at.Add(time.Duration(step)*benchCycle)))
		}
		steady := liveHeap()
		writeHeapProfile(b, "steady")
		runtime.KeepAlive(ev)
		b.ReportMetric(mib(firstPeak, base), "first-peak-MiB")
		b.ReportMetric(mib(first, base), "first-held-MiB")
		b.ReportMetric(mib(steady, base), "steady-held-MiB")
	}
}

// liveHeap is the heap's live bytes after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

func mib(v, base uint64) float64 {
	return (float64(v) - float64(base)) / (1 << 20)
}

// writeHeapProfile writes the heap profile as of the last collection to
// $BURNWATCH_HEAP_PROFILE.name, when that is set.
func writeHeapProfile(b *testing.B, name string) {
	b.Helper()
	prefix := os.Getenv("BURNWATCH_HEAP_PROFILE")
	if prefix == "" {
		return
	}
	f, err := os.Create(prefix + "." + name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Fatal(err)
	}
}
