package all

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// StitchBenchmark returns {"data": ...} for examples/benchmark.graphql, built without a
// gateway or a planner: it asks the subgraphs at urls (by name) for one entity at a time and
// stitches the results by hand. It is the oracle the gateway's tests and the load benchmark
// check Trellis (or any gateway) against. Any failure or unexpected shape is an error.
func StitchBenchmark(urls map[string]string) (answer []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("stitching the expected answer: %v", r)
		}
	}()
	s := stitcher{urls: urls, client: &http.Client{}}
	var users, top []any
	for _, u := range s.query("accounts", "{users{id}}", nil)["users"].([]any) {
		users = append(users, s.user(u.(map[string]any)["id"], 3))
	}
	for _, p := range s.query("products", "{topProducts{upc}}", nil)["topProducts"].([]any) {
		top = append(top, s.product(p.(map[string]any)["upc"], 2))
	}
	return json.Marshal(map[string]any{"data": map[string]any{"users": users, "topProducts": top}})
}

// stitcher panics on any error; StitchBenchmark recovers.
type stitcher struct {
	urls   map[string]string
	client *http.Client
}

func (s stitcher) query(subgraph, q string, vars map[string]any) map[string]any {
	raw, _ := json.Marshal(map[string]any{"query": q, "variables": vars})
	resp, err := s.client.Post(s.urls[subgraph], "application/json", bytes.NewReader(raw))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]any
		Errors []any
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) > 0 || resp.StatusCode != http.StatusOK {
		panic(fmt.Sprintf("%s: %d %v %v", subgraph, resp.StatusCode, err, out.Errors))
	}
	return out.Data
}

func (s stitcher) entity(subgraph, typename, keyField string, key any, selection string) map[string]any {
	rep := map[string]any{"__typename": typename, keyField: key}
	d := s.query(subgraph, `query($r:[_Any!]!){_entities(representations:$r){... on `+typename+selection+`}}`, map[string]any{"r": []any{rep}})
	return d["_entities"].([]any)[0].(map[string]any)
}

// user selects the User fragment, then reviews { Review, product } depth times.
func (s stitcher) user(id any, depth int) map[string]any {
	u := s.entity("accounts", "User", "id", id, "{id username name}")
	if depth > 0 {
		reviews := []any{}
		for _, r := range s.entity("reviews", "User", "id", id, "{reviews{id body product{upc}}}")["reviews"].([]any) {
			r := r.(map[string]any)
			reviews = append(reviews, map[string]any{"id": r["id"], "body": r["body"],
				"product": s.product(r["product"].(map[string]any)["upc"], depth-1)})
		}
		u["reviews"] = reviews
	}
	return u
}

// product selects the Product fragment (inventory's fields need price and
// weight), then reviews { Review, author } depth times.
func (s stitcher) product(upc any, depth int) map[string]any {
	p := s.entity("products", "Product", "upc", upc, "{upc name price weight}")
	rep := map[string]any{"__typename": "Product", "upc": upc, "price": p["price"], "weight": p["weight"]}
	inv := s.query("inventory", `query($r:[_Any!]!){_entities(representations:$r){... on Product{inStock shippingEstimate}}}`,
		map[string]any{"r": []any{rep}})["_entities"].([]any)[0].(map[string]any)
	p["inStock"], p["shippingEstimate"] = inv["inStock"], inv["shippingEstimate"]
	if depth > 0 {
		reviews := []any{}
		for _, r := range s.entity("reviews", "Product", "upc", upc, "{reviews{id body author{id}}}")["reviews"].([]any) {
			r := r.(map[string]any)
			reviews = append(reviews, map[string]any{"id": r["id"], "body": r["body"],
				"author": s.user(r["author"].(map[string]any)["id"], depth-1)})
		}
		p["reviews"] = reviews
	}
	return p
}
