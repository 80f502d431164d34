package dsl

import "strings"

// DidYouMean returns ` (did you mean "x"?)` when one of known is a close
// spelling of word, else "".
func DidYouMean(word string, known []string) string {
	best := Closest(word, known)
	if best == "" {
		return ""
	}
	return ` (did you mean "` + best + `"?)`
}

// Closest returns the one of known that is a close spelling of word (a
// few edits away, case aside), or "" when none is, or word itself is
// known.
func Closest(word string, known []string) string {
	best, bestDist := "", len(word)/2+2
	if bestDist > 4 {
		bestDist = 4
	}
	for _, k := range known {
		d := editDistance(strings.ToLower(word), strings.ToLower(k))
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best == word {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

func joinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
