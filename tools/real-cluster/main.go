// Command real-cluster builds the real-cluster test tier's tools from source.
//
//	go -C tools/real-cluster run . build    builds what the cache lacks; prints shell exports of the folders
//	go -C tools/real-cluster run . status   says, per component, whether it is cached and how long it took
//
// The cache is $ISTIO_UPGRADE_REAL_CLUSTER_CACHE, or ${XDG_CACHE_HOME:-$HOME/.cache}/istio-upgrade/real-cluster.
// Each component lives in <cache>/<name>-<version>/ with bin/ (and charts/ and files/ for Istio); a
// component is rebuilt when its wrapper module, flags or binaries change.
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	root, err := cacheRoot()
	if err != nil {
		fail(err)
	}
	here, err := sourceDir()
	if err != nil {
		fail(err)
	}
	switch os.Args[1] {
	case "build":
		if err := build(root, here); err != nil {
			fail(err)
		}
	case "status":
		status(root, here)
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go -C tools/real-cluster run . build|status")
	os.Exit(2)
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "real-cluster: %v\n", err)
	os.Exit(1)
}

func cacheRoot() (string, error) {
	if dir := os.Getenv("ISTIO_UPGRADE_REAL_CLUSTER_CACHE"); dir != "" {
		return filepath.Abs(dir)
	}
	base := os.Getenv("XDG_CACHE_HOME")
	if base == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		base = filepath.Join(home, ".cache")
	}
	return filepath.Join(base, "istio-upgrade", "real-cluster"), nil
}

// sourceDir is this module's folder: `go run` builds in a temporary folder, so it is found from the
// working directory (the repository root or this folder).
func sourceDir() (string, error) {
	for _, candidate := range []string{"tools/real-cluster", "."} {
		if _, err := os.Stat(filepath.Join(candidate, "components.go")); err == nil {
			return filepath.Abs(candidate)
		}
	}
	return "", errors.New("run from the repository root or tools/real-cluster")
}

// stamp identifies what a component's folder was built from.
type stamp struct {
	Component string  `json:"component"`
	Version   string  `json:"version"`
	Digest    string  `json:"digest"`
	Go        string  `json:"go"`
	Seconds   float64 `json:"buildSeconds"`
	BuiltAt   string  `json:"builtAt"`
}

func (c component) dir(root string) string {
	return filepath.Join(root, c.Name+"-"+c.Version)
}

func (c component) digest(here string) (string, error) {
	h := sha256.New()
	for _, file := range []string{"go.mod", "go.sum"} {
		data, err := os.ReadFile(filepath.Join(here, "components", c.Name, file))
		if err != nil {
			return "", err
		}
		h.Write(data)
	}
	names := make([]string, 0, len(c.Binaries))
	for name := range c.Binaries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(h, "bin %s=%s\n", name, c.Binaries[name])
	}
	fmt.Fprintf(h, "ldflags %q\ngo %s\n", c.LDFlags, runtime.Version())
	if c.Charts != nil {
		fmt.Fprintf(h, "charts %v\n", c.Charts.Folders)
	}
	if c.Files != nil {
		fmt.Fprintf(h, "files %v\n", c.Files.Files)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

func readStamp(dir string) (stamp, bool) {
	var s stamp
	data, err := os.ReadFile(filepath.Join(dir, "stamp.json"))
	if err != nil || json.Unmarshal(data, &s) != nil {
		return s, false
	}
	return s, true
}

// build builds every component whose folder is missing or stale, one at a time (each build uses every
// core), and prints `export RC_<NAME>_DIR=…` lines on stdout for the scripts to eval.
func build(root, here string) error {
	if err := os.MkdirAll(filepath.Join(root, "logs"), 0o755); err != nil {
		return err
	}
	lock, err := os.OpenFile(filepath.Join(root, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		fmt.Fprintln(os.Stderr, "real-cluster: another build holds the cache; waiting for it")
		if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
			return err
		}
	}
	var exports []string
	for _, c := range components {
		dir := c.dir(root)
		digest, err := c.digest(here)
		if err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
		if s, ok := readStamp(dir); ok && s.Digest == digest {
			fmt.Fprintf(os.Stderr, "real-cluster: %-12s %-8s cached (built in %.0f s on %s)\n", c.Name, c.Version, s.Seconds, s.BuiltAt)
		} else {
			logPath := filepath.Join(root, "logs", c.Name+".log")
			fmt.Fprintf(os.Stderr, "real-cluster: %-12s %-8s building (log: %s)\n", c.Name, c.Version, logPath)
			seconds, err := buildComponent(c, here, dir, digest, logPath)
			if err != nil {
				return fmt.Errorf("building %s %s failed: %v; log: %s", c.Name, c.Version, err, logPath)
			}
			fmt.Fprintf(os.Stderr, "real-cluster: %-12s %-8s built in %.0f s\n", c.Name, c.Version, seconds)
		}
		key := strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(c.Name))
		exports = append(exports,
			fmt.Sprintf("export RC_%s_DIR=%q", key, dir),
			fmt.Sprintf("export RC_%s_VERSION=%q", key, c.Version))
	}
	fmt.Println(strings.Join(exports, "\n"))
	return nil
}

func buildComponent(c component, here, dir, digest, logPath string) (float64, error) {
	started := time.Now()
	logFile, err := os.Create(logPath)
	if err != nil {
		return 0, err
	}
	defer logFile.Close()
	moduleDir := filepath.Join(here, "components", c.Name)
	staging := dir + ".partial"
	if err := os.RemoveAll(staging); err != nil {
		return 0, err
	}
	if err := os.MkdirAll(filepath.Join(staging, "bin"), 0o755); err != nil {
		return 0, err
	}
	names := make([]string, 0, len(c.Binaries))
	for name := range c.Binaries {
		names = append(names, name)
	}
	sort.Strings(names)
	ldflags := strings.Join(append([]string{"-s", "-w"}, c.LDFlags...), " ")
	for _, name := range names {
		args := []string{"build", "-ldflags", ldflags, "-o", filepath.Join(staging, "bin", name), c.Binaries[name]}
		fmt.Fprintf(logFile, "$ go %s\n", strings.Join(args, " "))
		binStarted := time.Now()
		if err := goCommand(moduleDir, logFile, args...).Run(); err != nil {
			return 0, fmt.Errorf("go build %s: %v", name, err)
		}
		fmt.Fprintf(logFile, "# %s built in %.0f s\n", name, time.Since(binStarted).Seconds())
	}
	if c.Charts != nil {
		source, err := moduleSource(moduleDir, c.Charts.Module, logFile)
		if err != nil {
			return 0, err
		}
		for _, folder := range c.Charts.Folders {
			if err := copyTree(filepath.Join(source, folder), filepath.Join(staging, "charts", filepath.Base(folder))); err != nil {
				return 0, fmt.Errorf("copying chart %s: %v", folder, err)
			}
		}
	}
	if c.Files != nil {
		source, err := moduleSource(moduleDir, c.Files.Module, logFile)
		if err != nil {
			return 0, err
		}
		for _, file := range c.Files.Files {
			if err := copyFile(filepath.Join(source, file), filepath.Join(staging, "files", filepath.Base(file))); err != nil {
				return 0, fmt.Errorf("copying %s: %v", file, err)
			}
		}
	}
	seconds := time.Since(started).Seconds()
	data, _ := json.MarshalIndent(stamp{
		Component: c.Name,
		Version:   c.Version,
		Digest:    digest,
		Go:        runtime.Version(),
		Seconds:   seconds,
		BuiltAt:   time.Now().UTC().Format(time.RFC3339),
	}, "", "  ")
	if err := os.WriteFile(filepath.Join(staging, "stamp.json"), data, 0o644); err != nil {
		return 0, err
	}
	if err := os.RemoveAll(dir); err != nil {
		return 0, err
	}
	return seconds, os.Rename(staging, dir)
}

// goCommand runs the go tool in a wrapper module with the machine's own toolchain and the module graph
// exactly as go.sum pins it.
func goCommand(moduleDir string, log io.Writer, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = moduleDir
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.Env = append(os.Environ(),
		"GOTOOLCHAIN=local",
		"GOFLAGS=-mod=readonly -buildvcs=false",
		"GOWORK=off",
	)
	return cmd
}

func moduleSource(moduleDir, module string, log io.Writer) (string, error) {
	var out strings.Builder
	cmd := goCommand(moduleDir, log, "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Stdout = &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("locating the source of %s: %v", module, err)
	}
	dir := strings.TrimSpace(out.String())
	if dir == "" {
		// Not downloaded yet (a build from the build cache alone): fetch it.
		cmd = goCommand(moduleDir, log, "mod", "download", module)
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("downloading %s: %v", module, err)
		}
		return moduleSource(moduleDir, module, log)
	}
	return dir, nil
}

// copyTree copies a folder of the read-only module cache into a writable one.
func copyTree(from, to string) error {
	return filepath.WalkDir(from, func(path string, entry fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		target := filepath.Join(to, rel)
		if entry.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		return copyFile(path, target)
	})
}

func copyFile(from, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func status(root, here string) {
	for _, c := range components {
		digest, err := c.digest(here)
		state := "missing"
		if err != nil {
			state = err.Error()
		} else if s, ok := readStamp(c.dir(root)); ok {
			state = fmt.Sprintf("stale (built %s)", s.BuiltAt)
			if s.Digest == digest {
				state = fmt.Sprintf("cached: built in %.0f s with %s on %s", s.Seconds, s.Go, s.BuiltAt)
			}
		}
		fmt.Printf("%-12s %-8s %s\n", c.Name, c.Version, state)
	}
}
