// Command quotemeta checks a Python regexp.QuoteMeta port against Go's: it reads
// JSON [original, quoted] pairs, one per line, and prints each line where Go
// disagrees or where ^quoted$ does not match the original.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	n := 0
	for in.Scan() {
		var pair [2]string
		if err := json.Unmarshal(in.Bytes(), &pair); err != nil {
			fmt.Println("bad input:", err)
			os.Exit(2)
		}
		n++
		if got := regexp.QuoteMeta(pair[0]); got != pair[1] {
			fmt.Printf("MISMATCH %q: go %q, python %q\n", pair[0], got, pair[1])
			continue
		}
		if !regexp.MustCompile("^" + pair[1] + "$").MatchString(pair[0]) {
			fmt.Printf("NOMATCH %q\n", pair[0])
		}
	}
	fmt.Printf("checked %d\n", n)
}
