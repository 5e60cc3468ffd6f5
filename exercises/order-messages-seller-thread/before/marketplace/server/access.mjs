/** Who may see an order: its buyer, and the shop that sells it. */

/**
 * @param {{id: string, shopId: string | null}} user
 * @param {{buyerId: string, shopId: string}} order
 */
export function canSeeOrder(user, order) {
  return order.buyerId === user.id || (user.shopId !== null && order.shopId === user.shopId);
}

/** The user's side of an order ("buyer" or "seller"), for a user who can see it. */
export function roleOn(user, order) {
  return order.buyerId === user.id ? "buyer" : "seller";
}
