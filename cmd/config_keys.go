package cmd

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The keys of the config schema (fileConfig): lookup by yaml tag, the lists
// the hints show, and the "did you mean" of a misspelt key.

// quoteValue quotes a value for a message, shortened and in ASCII.
func quoteValue(v string) string {
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	return strconv.QuoteToASCII(v)
}

// mappingHint lists what a mapping of type t holds.
func mappingHint(t reflect.Type, path string) string {
	if t.Kind() == reflect.Map {
		return path + " maps environment names to their settings (host, port, ca, …)"
	}
	where := "at the top level"
	if path != "" {
		where = "under " + path
	}
	return "the keys " + where + " are " + strings.Join(yamlKeys(t), ", ")
}

// fieldByKey finds the struct field whose yaml tag is key (case-sensitive).
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() && key != "" && tagName(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// yamlKeys lists the keys a struct type accepts, in declaration order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		if n := tagName(t.Field(i)); n != "" {
			keys = append(keys, n)
		}
	}
	return keys
}

func tagName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	return n
}

// plainKey is a key name shown as written; any other is quoted.
var plainKey = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._<-]{0,63}$`)

// showKey is a key name as messages show it: as written when it is plain,
// else quoted in ASCII and shortened, so that no control or bidi character
// of the file reaches the terminal.
func showKey(name string) string {
	if plainKey.MatchString(name) {
		return name
	}
	return quoteValue(name)
}

func joinKey(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func leafName(key string) string { return key[strings.LastIndex(key, ".")+1:] }

// suggest returns ` (did you mean "bits"?)` for the closest known key.
func suggest(name string, keys []string) string {
	best, dist := "", 3
	for _, k := range keys {
		if d := editDistance(strings.ToLower(name), k); d < dist && d < len(name) {
			best, dist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// editDistance is the Levenshtein distance of two short strings.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// configKeys lists every key path of the schema ("environments.NAME.port"),
// sorted; the tests check each against the README and a misspelling.
func configKeys() []string {
	var keys []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		if t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if _, ok := reflect.New(t).Interface().(setting); ok {
			keys = append(keys, path)
			return
		}
		if t.Kind() == reflect.Map {
			walk(t.Elem(), joinKey(path, "NAME"))
			return
		}
		for _, k := range yamlKeys(t) {
			f, _ := fieldByKey(t, k)
			walk(f.Type, joinKey(path, k))
		}
	}
	walk(reflect.TypeFor[fileConfig](), "")
	sort.Strings(keys)
	return keys
}
