package daemon

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestLiveRefreshLeavesTheFlash checks that the page script's own
// refresh neither shows nor clears an action's result, so that the
// navigation after the action still shows it, once.
func TestLiveRefreshLeavesTheFlash(t *testing.T) {
	cookie := &http.Cookie{Name: flashCookie, Value: url.QueryEscape("ok:applied")}
	live := httptest.NewRequest(http.MethodGet, "/", nil)
	live.Header.Set(liveHeader, "1")
	live.AddCookie(cookie)
	w := httptest.NewRecorder()
	if f := takeFlash(w, live); f != nil || len(w.Result().Cookies()) != 0 {
		t.Fatalf("a live refresh took the result: %+v, cookies %v", f, w.Result().Cookies())
	}
	nav := httptest.NewRequest(http.MethodGet, "/", nil)
	nav.AddCookie(cookie)
	w = httptest.NewRecorder()
	f := takeFlash(w, nav)
	if f == nil || !f.OK || f.Text != "applied" {
		t.Fatalf("the navigation after the action shows %+v, want ok: applied", f)
	}
	if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
		t.Errorf("the result is not cleared once shown: %v", c)
	}
}
