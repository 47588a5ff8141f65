package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"time"
)

// exports is the shell line that points the provider at the fake. The
// token is a fake's token, so it is printed as it is.
func exports(url, token string) string {
	return fmt.Sprintf("export HW_OSM_ENDPOINT=%s HW_AUTH_TOKEN=%s", shellQuote(url), shellQuote(token))
}

// shellQuote quotes s for a POSIX shell unless it needs no quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.:/+=@%,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// runBackground starts this command again without -background, on a free
// loopback port picked here, waits until it answers, prints the exports
// for eval and returns, leaving the fake running.
func runBackground(addr, token string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	addr = l.Addr().String()
	_ = l.Close()

	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var args []string
	for _, a := range os.Args[1:] {
		switch a {
		case "-background", "--background", "-background=true", "--background=true":
			continue
		}
		args = append(args, a)
	}
	// The last -listen wins.
	args = append(args, "-listen", addr)
	cmd := exec.Command(exe, args...)
	// No stdin, stdout or stderr: the caller's $(...) ends when this
	// process exits, not when the fake does.
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close()
			break
		}
		select {
		case err := <-exited:
			return fmt.Errorf("the fake exited before it listened on %s: %v; run it without -background to see why", addr, err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			return errors.New("the fake did not listen on " + addr + " within 15s")
		}
	}
	url := "http://" + addr
	fmt.Printf("%s FAKEOSM_PID=%d\n", exports(url, token), cmd.Process.Pid)
	fmt.Printf("echo %s\n", shellQuote(fmt.Sprintf("fake Service Ticket API on %s (pid %d); stop it with: kill \"$FAKEOSM_PID\"", url, cmd.Process.Pid)))
	return cmd.Process.Release()
}
