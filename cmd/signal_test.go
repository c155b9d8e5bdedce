package cmd

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// TestSecondSignalExits runs the test binary as a child that takes the root
// context, gets one SIGINT (the context is cancelled), then ignores it and
// gets a second one: the child must die of it rather than hang.
func TestSecondSignalExits(t *testing.T) {
	if os.Getenv("CARONBOARD_SIGNAL_CHILD") == "1" {
		ctx, stopped := notifyContextStopped()
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
		<-ctx.Done()
		<-stopped
		_ = syscall.Kill(os.Getpid(), syscall.SIGINT)
		select {} // a busy command that ignores ctx
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestSecondSignalExits$")
	c.Env = append(os.Environ(), "CARONBOARD_SIGNAL_CHILD=1")
	err := c.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ctx.Err() != nil {
		t.Fatalf("child: %v (context %v)", err, ctx.Err())
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGINT {
		t.Fatalf("child ended with %v, want killed by SIGINT", err)
	}
}
