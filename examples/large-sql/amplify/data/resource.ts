import { type ClientSchema, a, defineData } from '@aws-amplify/backend';
import { schema as generatedSqlSchema } from './schema.sql';

/*
 * Harbor Goods: the shop's PostgreSQL database (41 tables) exposed through AppSync.
 * Groups: Admins (everything), Staff (catalog, orders, inventory), Support (customers, tickets).
 */
const schema = generatedSqlSchema
  .renameModels(() => [
    ['audit_events', 'AuditEvent'],
    ['brands', 'Brand'],
    ['cart_items', 'CartItem'],
    ['carts', 'Cart'],
    ['categories', 'Category'],
    ['coupon_redemptions', 'CouponRedemption'],
    ['coupons', 'Coupon'],
    ['customer_addresses', 'CustomerAddress'],
    ['customers', 'Customer'],
    ['gift_cards', 'GiftCard'],
    ['inventory_levels', 'InventoryLevel'],
    ['loyalty_accounts', 'LoyaltyAccount'],
    ['loyalty_transactions', 'LoyaltyTransaction'],
    ['newsletter_subscriptions', 'NewsletterSubscription'],
    ['order_items', 'OrderItem'],
    ['order_status_history', 'OrderStatusChange'],
    ['orders', 'Order'],
    ['payments', 'Payment'],
    ['price_rules', 'PriceRule'],
    ['product_images', 'ProductImage'],
    ['product_tags', 'ProductTag'],
    ['product_variants', 'ProductVariant'],
    ['products', 'Product'],
    ['purchase_order_lines', 'PurchaseOrderLine'],
    ['purchase_orders', 'PurchaseOrder'],
    ['refunds', 'Refund'],
    ['return_items', 'ReturnItem'],
    ['returns', 'ReturnRequest'],
    ['review_votes', 'ReviewVote'],
    ['reviews', 'Review'],
    ['shipment_items', 'ShipmentItem'],
    ['shipments', 'Shipment'],
    ['shipping_methods', 'ShippingMethod'],
    ['store_settings', 'StoreSetting'],
    ['suppliers', 'Supplier'],
    ['support_messages', 'SupportMessage'],
    ['support_tickets', 'SupportTicket'],
    ['tax_rates', 'TaxRate'],
    ['warehouses', 'Warehouse'],
    ['wishlist_items', 'WishlistItem'],
    ['wishlists', 'Wishlist'],
  ])
  .setAuthorization((models) => [
    // Customers and what they own
    models.Customer.authorization((allow) => [allow.ownerDefinedIn('owner'), allow.groups(['Admins', 'Support'])]),
    models.CustomerAddress.authorization((allow) => [allow.groups(['Admins', 'Support'])]),
    models.LoyaltyAccount.authorization((allow) => [allow.authenticated().to(['read']), allow.group('Admins')]),
    models.LoyaltyTransaction.authorization((allow) => [allow.group('Admins'), allow.group('Support').to(['read'])]),
    models.NewsletterSubscription.authorization((allow) => [allow.groups(['Admins'])]),
    models.Wishlist.authorization((allow) => [allow.ownerDefinedIn('owner'), allow.group('Admins')]),
    models.WishlistItem.authorization((allow) => [allow.authenticated(), allow.group('Admins')]),
    models.Cart.authorization((allow) => [allow.authenticated().to(['create', 'read', 'update']), allow.group('Admins')]),
    models.CartItem.authorization((allow) => [allow.authenticated(), allow.group('Admins')]),

    // Catalog: everybody reads, staff edits
    models.Category.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.Brand.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.Product.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.ProductImage.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.ProductVariant.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.ProductTag.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.PriceRule.authorization((allow) => [allow.authenticated().to(['read']), allow.groups(['Admins', 'Staff'])]),
    models.Review.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.ownerDefinedIn('owner'), allow.group('Admins')]),
    models.ReviewVote.authorization((allow) => [allow.authenticated().to(['create', 'read']), allow.group('Admins')]),

    // Inventory and purchasing
    models.Warehouse.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),
    models.InventoryLevel.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),
    models.Supplier.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),
    models.PurchaseOrder.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),
    models.PurchaseOrderLine.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),

    // Orders
    models.Order.authorization((allow) => [allow.ownerDefinedIn('owner').to(['read']), allow.groups(['Admins', 'Staff', 'Support'])]),
    models.OrderItem.authorization((allow) => [allow.groups(['Admins', 'Staff', 'Support'])]),
    models.OrderStatusChange.authorization((allow) => [allow.groups(['Staff', 'Support']).to(['read']), allow.group('Admins')]),
    models.Payment.authorization((allow) => [allow.group('Admins'), allow.group('Support').to(['read'])]),
    models.Refund.authorization((allow) => [allow.group('Admins'), allow.group('Support').to(['read'])]),
    models.ShippingMethod.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.group('Admins')]),
    models.Shipment.authorization((allow) => [allow.groups(['Admins', 'Staff', 'Support'])]),
    models.ShipmentItem.authorization((allow) => [allow.groups(['Admins', 'Staff'])]),
    models.ReturnRequest.authorization((allow) => [allow.groups(['Admins', 'Support'])]),
    models.ReturnItem.authorization((allow) => [allow.groups(['Admins', 'Support'])]),

    // Promotions and money
    models.Coupon.authorization((allow) => [allow.authenticated().to(['read']), allow.group('Admins')]),
    models.CouponRedemption.authorization((allow) => [allow.group('Admins')]),
    models.GiftCard.authorization((allow) => [allow.group('Admins')]),
    models.TaxRate.authorization((allow) => [allow.guest().to(['read']), allow.authenticated().to(['read']), allow.group('Admins')]),

    // Support and operations
    models.SupportTicket.authorization((allow) => [
      allow.ownerDefinedIn('owner').to(['create', 'read']),
      allow.ownerDefinedIn('assignee').to(['read', 'update']),
      allow.groups(['Admins', 'Support']),
    ]),
    models.SupportMessage.authorization((allow) => [allow.authenticated().to(['create', 'read']), allow.groups(['Admins', 'Support'])]),
    models.AuditEvent.authorization((allow) => [allow.group('Admins').to(['read'])]),
    models.StoreSetting.authorization((allow) => [allow.authenticated().to(['read']), allow.group('Admins')]),
  ])
  .setRelationships((models) => [
    models.Customer.relationships({
      addresses: a.hasMany('CustomerAddress', 'customer_id'),
      orders: a.hasMany('Order', 'customer_id'),
      loyaltyAccount: a.hasOne('LoyaltyAccount', 'customer_id'),
      reviews: a.hasMany('Review', 'customer_id'),
      tickets: a.hasMany('SupportTicket', 'customer_id'),
      wishlists: a.hasMany('Wishlist', 'customer_id'),
    }),
    models.CustomerAddress.relationships({ customer: a.belongsTo('Customer', 'customer_id') }),
    models.LoyaltyAccount.relationships({
      customer: a.belongsTo('Customer', 'customer_id'),
      transactions: a.hasMany('LoyaltyTransaction', 'customer_id'),
    }),
    models.LoyaltyTransaction.relationships({ account: a.belongsTo('LoyaltyAccount', 'customer_id') }),
    models.Wishlist.relationships({
      customer: a.belongsTo('Customer', 'customer_id'),
      items: a.hasMany('WishlistItem', 'wishlist_id'),
    }),
    models.WishlistItem.relationships({ wishlist: a.belongsTo('Wishlist', 'wishlist_id') }),

    models.Category.relationships({
      parent: a.belongsTo('Category', 'parent_id'),
      children: a.hasMany('Category', 'parent_id'),
      products: a.hasMany('Product', 'category_id'),
    }),
    models.Brand.relationships({ products: a.hasMany('Product', 'brand_id') }),
    models.Product.relationships({
      brand: a.belongsTo('Brand', 'brand_id'),
      category: a.belongsTo('Category', 'category_id'),
      images: a.hasMany('ProductImage', 'product_id'),
      variants: a.hasMany('ProductVariant', 'product_id'),
      tags: a.hasMany('ProductTag', 'product_id'),
      reviews: a.hasMany('Review', 'product_id'),
    }),
    models.ProductImage.relationships({ product: a.belongsTo('Product', 'product_id') }),
    models.ProductVariant.relationships({ product: a.belongsTo('Product', 'product_id') }),
    models.ProductTag.relationships({ product: a.belongsTo('Product', 'product_id') }),
    models.Review.relationships({
      product: a.belongsTo('Product', 'product_id'),
      customer: a.belongsTo('Customer', 'customer_id'),
      votes: a.hasMany('ReviewVote', 'review_id'),
    }),
    models.ReviewVote.relationships({ review: a.belongsTo('Review', 'review_id') }),

    models.Warehouse.relationships({ inventory: a.hasMany('InventoryLevel', 'warehouse_id') }),
    models.InventoryLevel.relationships({ warehouse: a.belongsTo('Warehouse', 'warehouse_id') }),
    models.Supplier.relationships({ purchaseOrders: a.hasMany('PurchaseOrder', 'supplier_id') }),
    models.PurchaseOrder.relationships({
      supplier: a.belongsTo('Supplier', 'supplier_id'),
      lines: a.hasMany('PurchaseOrderLine', 'purchase_order_id'),
    }),
    models.PurchaseOrderLine.relationships({ purchaseOrder: a.belongsTo('PurchaseOrder', 'purchase_order_id') }),

    models.Order.relationships({
      customer: a.belongsTo('Customer', 'customer_id'),
      items: a.hasMany('OrderItem', 'order_id'),
      statusHistory: a.hasMany('OrderStatusChange', 'order_id'),
      payments: a.hasMany('Payment', 'order_id'),
      shipments: a.hasMany('Shipment', 'order_id'),
      returns: a.hasMany('ReturnRequest', 'order_id'),
    }),
    models.OrderItem.relationships({ order: a.belongsTo('Order', 'order_id') }),
    models.OrderStatusChange.relationships({ order: a.belongsTo('Order', 'order_id') }),
    models.Payment.relationships({
      order: a.belongsTo('Order', 'order_id'),
      refunds: a.hasMany('Refund', 'payment_id'),
    }),
    models.Refund.relationships({ payment: a.belongsTo('Payment', 'payment_id') }),
    models.Shipment.relationships({
      order: a.belongsTo('Order', 'order_id'),
      items: a.hasMany('ShipmentItem', 'shipment_id'),
    }),
    models.ShipmentItem.relationships({ shipment: a.belongsTo('Shipment', 'shipment_id') }),
    models.ReturnRequest.relationships({
      order: a.belongsTo('Order', 'order_id'),
      items: a.hasMany('ReturnItem', 'return_id'),
    }),
    models.ReturnItem.relationships({ returnRequest: a.belongsTo('ReturnRequest', 'return_id') }),
    models.Coupon.relationships({ redemptions: a.hasMany('CouponRedemption', 'coupon_code') }),
    models.CouponRedemption.relationships({ coupon: a.belongsTo('Coupon', 'coupon_code') }),
    models.SupportTicket.relationships({
      customer: a.belongsTo('Customer', 'customer_id'),
      messages: a.hasMany('SupportMessage', 'ticket_id'),
    }),
    models.SupportMessage.relationships({ ticket: a.belongsTo('SupportTicket', 'ticket_id') }),
  ])
  .addToSchema({
    // Result shapes of the reporting queries
    OrderSummary: a.customType({
      order_id: a.integer(),
      order_number: a.string(),
      status: a.ref('OrdersStatus'),
      placed_at: a.datetime(),
      item_count: a.integer(),
      total_cents: a.integer(),
    }),
    ProductSales: a.customType({
      product_id: a.integer(),
      name: a.string(),
      units_sold: a.integer(),
      revenue_cents: a.integer(),
    }),
    InventoryAlert: a.customType({
      warehouse_code: a.string(),
      sku: a.string(),
      on_hand: a.integer(),
      reserved: a.integer(),
      reorder_at: a.integer(),
    }),
    OrderLine: a.customType({
      line_no: a.integer(),
      sku: a.string(),
      product_name: a.string(),
      quantity: a.integer(),
      unit_price_cents: a.integer(),
      line_total_cents: a.integer(),
    }),
    DailyRevenue: a.customType({
      day: a.date(),
      orders: a.integer(),
      revenue_cents: a.integer(),
    }),
    CustomerValue: a.customType({
      customer_id: a.id(),
      email: a.string(),
      orders: a.integer(),
      lifetime_cents: a.integer(),
      first_order_at: a.datetime(),
      last_order_at: a.datetime(),
    }),
    ProductRating: a.customType({
      product_id: a.integer(),
      reviews: a.integer(),
      average_rating: a.float(),
    }),

    // Queries
    searchProducts: a
      .query()
      .arguments({ term: a.string().required(), maxResults: a.integer().required() })
      .returns(a.ref('Product').array())
      .authorization((allow) => [allow.guest(), allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT * FROM products
          WHERE status = 'active'
            AND (name ILIKE '%' || :term || '%' OR :term = ANY (search_keywords))
          ORDER BY name
          LIMIT :maxResults;
          `,
        ),
      ),
    productsInCategory: a
      .query()
      .arguments({ slug: a.string().required() })
      .returns(a.ref('Product').array())
      .authorization((allow) => [allow.guest(), allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT p.* FROM products p
          JOIN categories c ON c.id = p.category_id
          WHERE c.slug = :slug AND p.status = 'active'
          ORDER BY p.name;
          `,
        ),
      ),
    customerOrderSummaries: a
      .query()
      .arguments({ customerId: a.id().required() })
      .returns(a.ref('OrderSummary').array())
      .authorization((allow) => [allow.groups(['Admins', 'Support'])])
      .handler(a.handler.sqlReference('./sql/customerOrderSummaries.sql')),
    topSellingProducts: a
      .query()
      .arguments({ since: a.datetime().required(), maxResults: a.integer().required() })
      .returns(a.ref('ProductSales').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff'])])
      .handler(a.handler.sqlReference('./sql/topSellingProducts.sql')),
    lowInventory: a
      .query()
      .arguments({ warehouseCode: a.string().required() })
      .returns(a.ref('InventoryAlert').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff'])])
      .handler(
        a.handler.inlineSql(
          `
          SELECT w.code AS warehouse_code, v.sku, l.on_hand, l.reserved, l.reorder_at
          FROM inventory_levels l
          JOIN warehouses w ON w.id = l.warehouse_id
          JOIN product_variants v ON v.id = l.variant_id
          WHERE w.code = :warehouseCode
            AND l.reorder_at IS NOT NULL
            AND l.on_hand - l.reserved <= l.reorder_at
          ORDER BY l.on_hand - l.reserved;
          `,
        ),
      ),
    orderLines: a
      .query()
      .arguments({ orderId: a.integer().required() })
      .returns(a.ref('OrderLine').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff', 'Support'])])
      .handler(
        a.handler.inlineSql(
          `
          SELECT i.line_no, v.sku, i.product_name, i.quantity, i.unit_price_cents,
                 i.quantity * i.unit_price_cents - i.discount_cents AS line_total_cents
          FROM order_items i
          JOIN product_variants v ON v.id = i.variant_id
          WHERE i.order_id = :orderId
          ORDER BY i.line_no;
          `,
        ),
      ),
    dailyRevenue: a
      .query()
      .arguments({ fromDay: a.date().required(), toDay: a.date().required() })
      .returns(a.ref('DailyRevenue').array())
      .authorization((allow) => [allow.group('Admins')])
      .handler(a.handler.sqlReference('./sql/dailyRevenue.sql')),
    openTickets: a
      .query()
      .arguments({ priority: a.ref('Support_ticketsPriority').required() })
      .returns(a.ref('SupportTicket').array())
      .authorization((allow) => [allow.groups(['Admins', 'Support'])])
      .handler(
        a.handler.inlineSql(
          `
          SELECT * FROM support_tickets
          WHERE status <> 'closed' AND priority = CAST(:priority AS ticket_priority)
          ORDER BY created_at;
          `,
        ),
      ),
    customerLifetimeValue: a
      .query()
      .arguments({ customerId: a.id().required() })
      .returns(a.ref('CustomerValue').array())
      .authorization((allow) => [allow.groups(['Admins', 'Support'])])
      .handler(a.handler.sqlReference('./sql/customerLifetimeValue.sql')),
    activeCoupons: a
      .query()
      .arguments({ today: a.date().required() })
      .returns(a.ref('Coupon').array())
      .authorization((allow) => [allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT * FROM coupons
          WHERE active AND valid_from <= :today AND (valid_until IS NULL OR valid_until >= :today);
          `,
        ),
      ),
    productRating: a
      .query()
      .arguments({ productId: a.integer().required() })
      .returns(a.ref('ProductRating').array())
      .authorization((allow) => [allow.guest(), allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT product_id,
                 CAST(COUNT(*) AS integer) AS reviews,
                 CAST(AVG(rating) AS double precision) AS average_rating
          FROM reviews
          WHERE product_id = :productId AND status = 'published'
          GROUP BY product_id;
          `,
        ),
      ),
    wishlistProducts: a
      .query()
      .arguments({ wishlistId: a.integer().required() })
      .returns(a.ref('Product').array())
      .authorization((allow) => [allow.authenticated()])
      .handler(
        a.handler.inlineSql(
          `
          SELECT p.* FROM wishlist_items w
          JOIN products p ON p.id = w.product_id
          WHERE w.wishlist_id = :wishlistId
          ORDER BY w.added_at DESC;
          `,
        ),
      ),
    shipmentsInTransit: a
      .query()
      .arguments({ carrier: a.string().required() })
      .returns(a.ref('Shipment').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff', 'Support'])])
      .handler(
        a.handler.inlineSql(
          `
          SELECT * FROM shipments
          WHERE carrier = :carrier AND status = 'in_transit'
          ORDER BY shipped_at;
          `,
        ),
      ),
    storeSetting: a
      .query()
      .arguments({ key: a.string().required() })
      .returns(a.ref('StoreSetting').array())
      .authorization((allow) => [allow.authenticated()])
      .handler(a.handler.inlineSql('SELECT * FROM store_settings WHERE key = :key;')),

    // Mutations
    cancelOrder: a
      .mutation()
      .arguments({ orderId: a.integer().required(), reason: a.string().required() })
      .returns(a.ref('Order').array())
      .authorization((allow) => [allow.groups(['Admins', 'Support'])])
      .handler(
        a.handler.inlineSql(
          `
          UPDATE orders SET status = 'cancelled', notes = :reason
          WHERE id = :orderId AND status IN ('pending', 'paid')
          RETURNING *;
          `,
        ),
      ),
    adjustInventory: a
      .mutation()
      .arguments({
        warehouseId: a.integer().required(),
        variantId: a.integer().required(),
        delta: a.integer().required(),
      })
      .returns(a.ref('InventoryLevel').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff'])])
      .handler(
        a.handler.inlineSql(
          `
          UPDATE inventory_levels SET on_hand = on_hand + :delta
          WHERE warehouse_id = :warehouseId AND variant_id = :variantId
          RETURNING *;
          `,
        ),
      ),
    redeemCoupon: a
      .mutation()
      .arguments({ couponCode: a.string().required(), orderId: a.integer().required() })
      .returns(a.json())
      .authorization((allow) => [allow.groups(['Admins', 'Staff'])])
      .handler(
        a.handler.inlineSql(
          'INSERT INTO coupon_redemptions (coupon_code, order_id) VALUES (:couponCode, :orderId);',
        ),
      ),
    addLoyaltyPoints: a
      .mutation()
      .arguments({
        customerId: a.id().required(),
        points: a.integer().required(),
        reason: a.string().required(),
        orderId: a.integer(),
      })
      .returns(a.ref('LoyaltyTransaction').array())
      .authorization((allow) => [allow.group('Admins')])
      .handler(
        a.handler.inlineSql(
          `
          INSERT INTO loyalty_transactions (customer_id, points, reason, order_id)
          VALUES (:customerId, :points, :reason, :orderId)
          RETURNING *;
          `,
        ),
      ),
    markShipmentDelivered: a
      .mutation()
      .arguments({ shipmentId: a.integer().required() })
      .returns(a.ref('Shipment').array())
      .authorization((allow) => [allow.groups(['Admins', 'Staff'])])
      .handler(
        a.handler.inlineSql(
          `
          UPDATE shipments SET status = 'delivered', delivered_at = now()
          WHERE id = :shipmentId
          RETURNING *;
          `,
        ),
      ),
    closeTicket: a
      .mutation()
      .arguments({ ticketId: a.integer().required() })
      .returns(a.ref('SupportTicket').array())
      .authorization((allow) => [allow.groups(['Admins', 'Support'])])
      .handler(
        a.handler.inlineSql(
          `
          UPDATE support_tickets SET status = 'closed', closed_at = now()
          WHERE id = :ticketId
          RETURNING *;
          `,
        ),
      ),
    purgeExpiredCarts: a
      .mutation()
      .arguments({ before: a.datetime().required() })
      .returns(a.json())
      .authorization((allow) => [allow.group('Admins')])
      .handler(a.handler.sqlReference('./sql/purgeExpiredCarts.sql')),
  });

export type Schema = ClientSchema<typeof schema>;

export const data = defineData({
  schema,
  authorizationModes: {
    defaultAuthorizationMode: 'userPool',
  },
});
