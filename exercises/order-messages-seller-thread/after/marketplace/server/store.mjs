/**
 * In-memory data for the marketplace's local server and its tests. Every name and order here
 * is synthetic.
 */

/** A fresh store; each test builds its own so that nothing leaks between them. */
export function createStore() {
  return {
    users: new Map([
      ["u-ana", { id: "u-ana", name: "Ana", shopId: null }],
      ["u-ben", { id: "u-ben", name: "Ben", shopId: null }],
      ["u-kiln", { id: "u-kiln", name: "Rosa", shopId: "shop-kiln" }],
    ]),
    sessions: new Map([
      ["t-ana", "u-ana"],
      ["t-ben", "u-ben"],
      ["t-kiln", "u-kiln"],
    ]),
    shops: new Map([["shop-kiln", { id: "shop-kiln", displayName: "Kiln & Kettle" }]]),
    orders: new Map([
      [
        "ord-1001",
        { id: "ord-1001", buyerId: "u-ana", shopId: "shop-kiln", title: "Stoneware mugs, set of 2", status: "shipped", totalCents: 3800 },
      ],
      [
        "ord-1002",
        { id: "ord-1002", buyerId: "u-ben", shopId: "shop-kiln", title: "Serving bowl", status: "paid", totalCents: 5400 },
      ],
    ]),
    /** Order id -> its messages, oldest first. */
    messages: new Map(),
    nextMessageId: 1,
  };
}
