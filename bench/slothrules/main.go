// Command slothrules writes the Prometheus rules that Sloth v0.16.0
// generates for Sloth prometheus/v1 specs, using Sloth as a library. It is a
// module of its own because Sloth v0.16.0 does not compile against the
// Prometheus version the main module uses.
//
// Usage:
//
//	slothrules SPEC              # the rules of one spec on standard output
//	slothrules -out DIR SPEC...  # DIR/NAME.rules.yml for each spec NAME.yml
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/slok/sloth/pkg/lib"
)

func main() {
	out := flag.String("out", "", "write DIR/NAME.rules.yml for each spec instead of printing one spec's rules")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: slothrules [-out DIR] SPEC...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(context.Background(), *out, flag.Args(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "slothrules:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, outDir string, specs []string, stdout io.Writer) error {
	if len(specs) == 0 || (outDir == "" && len(specs) > 1) {
		return errors.New("want one spec, or -out DIR and one or more specs")
	}
	gen, err := lib.NewPrometheusSLOGenerator(lib.PrometheusSLOGeneratorConfig{})
	if err != nil {
		return fmt.Errorf("new Sloth generator: %w", err)
	}
	for _, spec := range specs {
		if outDir == "" {
			return generate(ctx, gen, spec, stdout)
		}
		if err := generateFile(ctx, gen, spec, filepath.Join(outDir, rulesName(spec))); err != nil {
			return err
		}
	}
	return nil
}

// rulesName is the rule file name for a spec: checkout.yml → checkout.rules.yml.
func rulesName(spec string) string {
	base := filepath.Base(spec)
	return strings.TrimSuffix(base, filepath.Ext(base)) + ".rules.yml"
}

func generateFile(ctx context.Context, gen *lib.PrometheusSLOGenerator, spec, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := generate(ctx, gen, spec, f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// generate writes the rules of one spec to w.
func generate(ctx context.Context, gen *lib.PrometheusSLOGenerator, spec string, w io.Writer) error {
	data, err := os.ReadFile(spec)
	if err != nil {
		return err
	}
	res, err := gen.GenerateFromRaw(ctx, data)
	if err != nil {
		return fmt.Errorf("generate rules for %s: %w", spec, err)
	}
	if err := gen.WriteResultAsPrometheusStd(ctx, *res, w); err != nil {
		return fmt.Errorf("write rules for %s: %w", spec, err)
	}
	return nil
}
