package subgraph

import "github.com/trellis-gql/trellis/examples/reviews/subgraph/graph"

// The review bodies of the benchmark: placeholder text of a few sizes, so that
// responses weigh what they weigh in the benchmark.
const (
	loremIpsum = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum."
	sedUt      = "Sed ut perspiciatis unde omnis iste natus error sit voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo. Nemo enim ipsam voluptatem quia voluptas sit aspernatur aut odit aut fugi"
	sedQuia    = "sed quia consequuntur magni dolores eos qui ratione voluptatem sequi nesciunt. Neque porro quisquam est, qui dolorem ipsum quia dolor sit amet, consectetur, adipisci velit, sed quia non numquam eius modi tempora incidunt ut labore et dolore magnam aliquam quaerat voluptatem."
	utEnim     = "Ut enim ad minima veniam, quis nostrum exercitationem ullam corporis suscipit laboriosam, nisi ut aliquid ex ea commodi consequatur? Quis autem"
	atVero     = "At vero eos et accusamus et iusto odio dignissimos ducimus qui blanditiis praesentium voluptatum deleniti atque corrupti quos dolores et quas molestias excepturi sint occaecati cupiditate non provident, similique sunt in culpa qui officia deserunt mollitia animi, id est laborum et dolorum fuga. Et harum quidem rerum facilis est et expedita distinctio. Nam libero tempore, cum soluta nobis est eligendi optio cumque nihil impedit quo minus id quod maxime placeat facere possimus, omnis voluptas assumenda est, omnis dolor repellendus. Temporibus autem quibusdam et aut officiis debitis aut rerum necessitatibus saepe eveniet ut et voluptates repudiandae sint et molestiae non recusandae. Itaque earum rerum hic tenetur a sapiente delectus, ut aut reiciendis voluptatibus maiores alias consequatur aut perferendis doloribus asperiores repellat."
)

// reviews are the benchmark's eleven reviews, of products 1 to 4. Resolvers
// hand out these pointers, so nothing may write through them.
var reviews = []*graph.Review{
	{ID: "1", Body: new(loremIpsum), Product: &graph.Product{Upc: "1"}},
	{ID: "2", Body: new(sedUt), Product: &graph.Product{Upc: "1"}},
	{ID: "3", Body: new(sedQuia), Product: &graph.Product{Upc: "1"}},
	{ID: "4", Body: new(utEnim), Product: &graph.Product{Upc: "1"}},
	{ID: "5", Body: new(loremIpsum), Product: &graph.Product{Upc: "2"}},
	{ID: "6", Body: new(sedUt), Product: &graph.Product{Upc: "2"}},
	{ID: "7", Body: new(sedQuia), Product: &graph.Product{Upc: "2"}},
	{ID: "8", Body: new(utEnim), Product: &graph.Product{Upc: "2"}},
	{ID: "9", Body: new(utEnim), Product: &graph.Product{Upc: "3"}},
	{ID: "10", Body: new(utEnim), Product: &graph.Product{Upc: "4"}},
	{ID: "11", Body: new(atVero), Product: &graph.Product{Upc: "4"}},
}

// The benchmark does not link reviews to their authors: every review's author
// is user 1, whose username the reviews subgraph provides, and every user has
// the first two reviews. The example keeps that, so that the benchmark's
// operation returns here what it returns there.
var (
	author      = &graph.User{ID: "1", Username: new("urigo")}
	userReviews = reviews[:2]
)

// reviewByID returns the review with the given id, or nil.
func reviewByID(id string) *graph.Review {
	for _, r := range reviews {
		if r.ID == id {
			return r
		}
	}
	return nil
}

// reviewsOf returns the reviews of the product with the given upc, in table
// order. It is never nil: a product nobody reviewed has the empty list, not
// null.
func reviewsOf(upc string) []*graph.Review {
	of := []*graph.Review{}
	for _, r := range reviews {
		if r.Product.Upc == upc {
			of = append(of, r)
		}
	}
	return of
}
