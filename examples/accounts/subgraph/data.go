package subgraph

import "github.com/trellis-gql/trellis/examples/accounts/subgraph/graph"

// users are the benchmark's six accounts. Resolvers hand out these pointers,
// so nothing may write through them.
var users = []*graph.User{
	{ID: "1", Name: new("Uri Goldshtein"), Username: new("urigo"), Birthday: new(int32(1234567890))},
	{ID: "2", Name: new("Dotan Simha"), Username: new("dotansimha"), Birthday: new(int32(1234567890))},
	{ID: "3", Name: new("Kamil Kisiela"), Username: new("kamilkisiela"), Birthday: new(int32(1234567890))},
	{ID: "4", Name: new("Arda Tanrikulu"), Username: new("ardatan"), Birthday: new(int32(1234567890))},
	{ID: "5", Name: new("Gil Gardosh"), Username: new("gilgardosh"), Birthday: new(int32(1234567890))},
	{ID: "6", Name: new("Laurin Quast"), Username: new("laurin"), Birthday: new(int32(1234567890))},
}

// userByID returns the user with the given id, or nil.
func userByID(id string) *graph.User {
	for _, u := range users {
		if u.ID == id {
			return u
		}
	}
	return nil
}
