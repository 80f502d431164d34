package daemon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// maxEventStreams bounds the event streams open at once: each holds a
// connection, and the connection cap must keep room for the API.
const maxEventStreams = 64

// heartbeat is how often an idle event stream sends a comment, so that
// proxies keep it open and a gone client is noticed.
const heartbeat = 20 * time.Second

// broker tells the pages' event streams that something changed: an
// environment's outcome recorded, a run's status moved.
type broker struct {
	mu   sync.Mutex
	seq  uint64
	subs map[chan event]struct{}
}

// event is what a stream receives: the sequence number and what changed.
type event struct {
	Seq         uint64 `json:"seq"`
	Environment string `json:"environment,omitempty"`
	Kind        string `json:"kind"`
	// Status is a run's status, on a run's stream.
	Status string `json:"status,omitempty"`
}

func newBroker() *broker { return &broker{subs: map[chan event]struct{}{}} }

// publish tells every stream; a stream that has not read the previous
// event misses this one (it reloads the page anyway).
func (b *broker) publish(kind, env string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.seq++
	e := event{Seq: b.seq, Environment: env, Kind: kind}
	for ch := range b.subs {
		select {
		case ch <- e:
		default:
		}
	}
}

// subscribe returns a stream of events and its cancel, or false when
// maxEventStreams are open.
func (b *broker) subscribe() (<-chan event, func(), bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.subs) >= maxEventStreams {
		return nil, nil, false
	}
	ch := make(chan event, 1)
	b.subs[ch] = struct{}{}
	return ch, func() {
		b.mu.Lock()
		delete(b.subs, ch)
		b.mu.Unlock()
	}, true
}

// events serves /api/v1/events, a text/event-stream of "change" events
// (an environment's outcome recorded, "kind": "environment"; a run's
// status or steps moved, "kind": "run"), each with the environment's
// name and a sequence number. The pages subscribe to it and fetch
// themselves again. It answers 503 when too many streams are open.
func (d *Daemon) events(w http.ResponseWriter, r *http.Request) {
	ch, cancel, ok := d.broker.subscribe()
	if !ok {
		d.writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many event streams open"})
		return
	}
	defer cancel()
	stream(w, func(send func(name string, data any) error) error {
		tick := time.NewTicker(heartbeat)
		defer tick.Stop()
		for {
			select {
			case <-r.Context().Done():
				return nil
			case <-d.workContext().Done():
				return nil
			case e := <-ch:
				if err := send("change", e); err != nil {
					return err
				}
			case <-tick.C:
				if err := send("", nil); err != nil {
					return err
				}
			}
		}
	})
}

// stream writes the headers of an event stream and runs body with a
// send that writes one event (or, with no name, a keep-alive comment;
// with the id its data's eventID method returns, when it has one),
// flushes it and moves the write deadline on.
func stream(w http.ResponseWriter, body func(send func(name string, data any) error) error) {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	send := func(name string, data any) error {
		_ = rc.SetWriteDeadline(time.Now().Add(2 * heartbeat))
		var err error
		if name == "" {
			_, err = fmt.Fprint(w, ": keep-alive\n\n")
		} else {
			b, _ := json.Marshal(data)
			id := ""
			if e, ok := data.(interface{ eventID() string }); ok {
				id = "id: " + e.eventID() + "\n"
			}
			_, err = fmt.Fprintf(w, "%sevent: %s\ndata: %s\n\n", id, name, b)
		}
		if err == nil {
			err = rc.Flush()
		}
		return err
	}
	if _, err := fmt.Fprint(w, "retry: 3000\n\n"); err != nil || rc.Flush() != nil {
		return
	}
	_ = body(send)
}
