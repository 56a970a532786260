package awsim_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzAnonymousS3 sends arbitrary unsigned requests to the S3 handler: none may fail with an
// internal error, and none may change state (anonymous callers own nothing).
func FuzzAnonymousS3(f *testing.F) {
	f.Add("PUT", "/bucket", "", "")
	f.Add("PUT", "/bucket", "policy", `{"Statement":[]}`)
	f.Add("GET", "/bucket", "list-type=2&prefix=%ff&max-keys=-1", "")
	f.Add("PUT", "/bucket/key", "x-id=PutObject", "data")
	f.Add("POST", "/", "", "Action=GetCallerIdentity")
	f.Add("GET", "/v20180820/configuration/publicAccessBlock", "", "")
	srv := startServer(f, "")
	h := srv.Handler(true)
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path+query, " \r\n#") ||
			method == "" || strings.ContainsAny(method, " \r\n/") {
			return
		}
		r := httptest.NewRequest("GET", "/", strings.NewReader(body))
		r.Method = method
		r.URL.Path = path
		r.URL.RawPath = ""
		r.URL.RawQuery = query
		r.RequestURI = path
		if query != "" {
			r.RequestURI += "?" + query
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code >= 500 && w.Code != http.StatusNotImplemented {
			t.Errorf("%s %s?%s = %d %s", method, path, query, w.Code, w.Body)
		}
	})
}
