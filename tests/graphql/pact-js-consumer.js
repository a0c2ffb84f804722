// A GraphQL consumer test written with pact-js's GraphQLInteraction, as pact-js users write
// them: `node pact-js-consumer.js OUTPUT_DIR` writes OUTPUT_DIR/checkout-js-orders-graphql.json.
// The accord test suite runs it with the pinned pact-js that .ci/run installs.
const path = require("path");
const { PactV2, GraphQLInteraction, MatchersV2 } = require("@pact-foundation/pact");

const { like, eachLike, integer } = MatchersV2;

async function main() {
  const dir = path.resolve(process.argv[2] || "pacts");
  const provider = new PactV2({
    consumer: "checkout-js",
    provider: "orders-graphql",
    dir,
    logLevel: "warn",
    spec: 2,
  });
  await provider.setup();
  const query = `query Order($id: ID!, $currency: String) {
    order(id: $id) {
      id
      total(currency: $currency)
      lines { sku quantity }
    }
  }`;
  await provider.addInteraction(
    new GraphQLInteraction()
      .given("order 42 exists")
      .uponReceiving("the order with its lines, from pact-js")
      .withRequest({ path: "/graphql", method: "POST" })
      .withOperation("Order")
      .withQuery(query)
      .withVariables({ id: like("42"), currency: "EUR" })
      .willRespondWith({
        status: 200,
        headers: { "Content-Type": "application/json" },
        body: {
          data: {
            order: {
              id: "42",
              total: like(99.5),
              lines: eachLike({ sku: like("MUG-1"), quantity: integer(2) }),
            },
          },
        },
      })
  );
  const response = await fetch(`${provider.mockService.baseUrl}/graphql`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ operationName: "Order", query, variables: { id: "42", currency: "EUR" } }),
  });
  const answer = await response.json();
  if (answer.data.order.lines[0].sku !== "MUG-1") {
    throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
  }
  await provider.verify();
  await provider.finalize();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
