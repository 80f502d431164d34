package rdsfake

import (
	"encoding/xml"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// members returns the values of a query list prefix.1, prefix.2, ...
func members(form url.Values, prefix string) []string {
	var out []string
	for i := 1; form.Has(prefix + strconv.Itoa(i)); i++ {
		out = append(out, form.Get(prefix+strconv.Itoa(i)))
	}
	return out
}

// formTags returns the Tags.Tag.N list of a request.
func formTags(form url.Values) []tag {
	var out []tag
	for i := 1; form.Has("Tags.Tag." + strconv.Itoa(i) + ".Key"); i++ {
		n := "Tags.Tag." + strconv.Itoa(i)
		out = append(out, tag{Key: form.Get(n + ".Key"), Value: form.Get(n + ".Value")})
	}
	return out
}

// tagList returns tags as a TagList in key order.
func tagList(tags map[string]string) []tag {
	var out []tag
	for _, k := range slices.Sorted(maps.Keys(tags)) {
		out = append(out, tag{Key: k, Value: tags[k]})
	}
	return out
}

// dbXML returns db as a DBInstance element.
func dbXML(db *dbInstance) string {
	b, _ := xml.Marshal(struct {
		XMLName xml.Name `xml:"DBInstance"`
		*dbInstance
	}{dbInstance: db})
	return string(b)
}

// writeXML writes an action's answer holding result.
func writeXML(w http.ResponseWriter, action, result string) {
	w.Header().Set("Content-Type", "text/xml")
	_, _ = io.WriteString(w, `<`+action+`Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><`+action+`Result>`+
		result+`</`+action+`Result><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></`+action+`Response>`)
}

// writeError writes a refusal in RDS's wire form.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	var esc strings.Builder
	_ = xml.EscapeText(&esc, []byte(msg))
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>`+
		code+`</Code><Message>`+esc.String()+`</Message></Error><RequestId>fake</RequestId></ErrorResponse>`)
}
