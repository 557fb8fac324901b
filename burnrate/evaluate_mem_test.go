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
// tile, and after 20 steady cycles. Each is the live heap after a
// collection with the evaluator alive less the live heap right after it
// is dropped, so that what the engine holds (which changes as its head is
// compacted in the background) is not counted. first-peak-MiB is the most
// heap seen during the first cycle, less the live heap before it: what
// that cycle costs at once, the engine's queries and the answers
// included. The first cycle runs twice, once for each measure.
//
//	go test -run '^$' -bench EvaluatorMemory -benchtime 1x ./burnrate
//
// BURNWATCH_HEAP_PROFILE=prefix writes the heap profiles taken with the
// evaluator alive (prefix.first, prefix.steady): their inuse_space says
// what holds the memory.
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
		first := held(b, ev, "first")

		ev = burnrate.NewEvaluator(burnrate.Options{})
		mustEvaluate(b, ev.Evaluate(ctx, eng, slos, at))
		for step := 1; step <= 20; step++ {
			mustEvaluate(b, ev.Evaluate(ctx, eng, slos, at.Add(time.Duration(step)*benchCycle)))
		}
		steady := held(b, ev, "steady")
		b.ReportMetric(mib(firstPeak, base), "first-peak-MiB")
		b.ReportMetric(first, "first-held-MiB")
		b.ReportMetric(steady, "steady-held-MiB")
	}
}

// held returns the live heap with ev less the live heap without it, in
// MiB, after writing the heap profile named name. The caller must not use
// ev after.
func held(b *testing.B, ev *burnrate.Evaluator, name string) float64 {
	b.Helper()
	with := liveHeap()
	writeHeapProfile(b, name)
	runtime.KeepAlive(ev)
	return mib(with, liveHeap())
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
