// Copyright (c) terraform-provider-dbt contributors
// SPDX-License-Identifier: MPL-2.0

package bench

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// sampleInterval is how often /proc is read while Terraform runs. A provider
// that lives a few hundred milliseconds is still seen many times; what a
// process reaches in its last interval before exiting can be missed, which
// is why VmHWM (the high-water mark, kept by the kernel) is read rather than
// VmRSS alone.
const sampleInterval = 10 * time.Millisecond

// peaks are the high-water marks seen while one Terraform command ran.
type peaks struct {
	Provider          int64 // max VmHWM (or VmRSS) over every provider process, bytes
	Terraform         int64 // the same for the terraform process itself
	ProviderProcesses int   // how many provider processes Terraform started
	// ProviderCPU is user+system time of the provider processes, as last
	// seen (up to one sample interval short per process).
	ProviderCPU time.Duration
}

// memSampler polls /proc for the peak memory of one Terraform process and
// of every process running the provider binary, which Terraform starts as
// its child (several times per command: schema, validate, plan, apply).
type memSampler struct {
	providerPath  string // argv[0] of a provider process: the binary dev_overrides points at
	terraformPath string
	terraformPID  int

	stop chan struct{}
	done chan struct{}

	mu  sync.Mutex
	res peaks
}

func startMemSampler(providerPath, terraformPath string, terraformPID int) *memSampler {
	s := &memSampler{
		providerPath:  providerPath,
		terraformPath: terraformPath,
		terraformPID:  terraformPID,
		stop:          make(chan struct{}),
		done:          make(chan struct{}),
	}
	go s.loop()
	return s
}

// Stop ends sampling and returns the peaks.
func (s *memSampler) Stop() peaks {
	close(s.stop)
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.res
}

func (s *memSampler) loop() {
	defer close(s.done)
	// other caches pids known not to be a provider. A process that still
	// runs terraform's own image is not cached: it may be a child between
	// fork and exec, about to become the provider.
	other := map[int]bool{}
	providers := map[int]time.Duration{} // pid -> CPU time last seen
	t := time.NewTicker(sampleInterval)
	defer t.Stop()
	for {
		s.sample(other, providers)
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

func (s *memSampler) sample(other map[int]bool, providers map[int]time.Duration) {
	if hw := peakRSS(s.terraformPID); hw > 0 {
		s.mu.Lock()
		s.res.Terraform = max(s.res.Terraform, hw)
		s.mu.Unlock()
	}
	d, err := os.Open("/proc")
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	_ = d.Close()
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || other[pid] || pid == s.terraformPID {
			continue
		}
		if _, ok := providers[pid]; !ok {
			switch processArgv0(pid) {
			case "":
				continue // gone, or not readable
			case s.providerPath:
				providers[pid] = 0
			case s.terraformPath:
				continue
			default:
				other[pid] = true
				continue
			}
		}
		hw := peakRSS(pid)
		if hw == 0 {
			continue
		}
		cpu, ok := processCPU(pid)
		s.mu.Lock()
		s.res.Provider = max(s.res.Provider, hw)
		if ok && cpu > providers[pid] {
			s.res.ProviderCPU += cpu - providers[pid]
			providers[pid] = cpu
		}
		s.res.ProviderProcesses = len(providers)
		s.mu.Unlock()
	}
}

// clockTick is USER_HZ, the unit of times in /proc/<pid>/stat: 100 on every
// Linux architecture Go supports.
const clockTick = 100

// processCPU is a process's user+system time from /proc/<pid>/stat.
func processCPU(pid int) (time.Duration, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	return parseStatCPU(string(b))
}

// parseStatCPU reads utime and stime, fields 14 and 15 of a stat line. The
// command name, field 2, is in parentheses and may hold spaces, so fields
// are counted from the last ')'.
func parseStatCPU(stat string) (time.Duration, bool) {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(stat[i+1:]) // f[0] is field 3 (state)
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTick, true
}

// processArgv0 is the first word of a process's command line, "" when the
// process is gone or hidden from us.
func processArgv0(pid int) string {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil || len(b) == 0 {
		return ""
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// peakRSS is a process's peak resident set in bytes: the larger of VmHWM and
// VmRSS from /proc/<pid>/status, 0 when the process is gone.
func peakRSS(pid int) int64 {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	return parseStatusPeak(f)
}

// parseStatusPeak reads VmHWM and VmRSS (in kB) from a /proc status file.
func parseStatusPeak(r io.Reader) int64 {
	var peak int64
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		key, rest, ok := strings.Cut(line, ":")
		if !ok || (key != "VmHWM" && key != "VmRSS") {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) < 1 {
			continue
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		peak = max(peak, kb*1024)
	}
	return peak
}
