import { a } from '@aws-amplify/backend';
import { schema as generated } from '../sqldata/schema.sql';

// The inventory database (MySQL), read by the accountants' dashboard.
export const inventorySchema = generated
	// .renameModels(() => [['stock_items', 'Stock']]),
	.renameModels(() => [
		['warehouses', 'Warehouse'],
		['stock_items', 'StockItem'],
	])
	.setAuthorization((models) => [
		models.Warehouse.authorization((allow) => [allow.authenticated().to(['read']), allow.group('Accountants')]),
		models.StockItem.authorization((a) => [a.authenticated().to(['read']), a.group('Accountants')]),
	])
	.setRelationships((models) => [
		models.Warehouse.relationships({ items: a.hasMany('StockItem', 'warehouse_id') }),
		models.StockItem.relationships({ warehouse: a.belongsTo('Warehouse', 'warehouse_id') }),
	])
	.addToSchema({
		lowStock: a
			.query()
			.arguments({ warehouseCode: a.string().required() })
			.returns(a.ref('StockItem').array())
			.authorization((allow) => [allow.authenticated()])
			.handler(
				a.handler.inlineSql(
					'SELECT s.* FROM stock_items s ' +
						'JOIN warehouses w ON w.id = s.warehouse_id ' +
						"WHERE w.code = :warehouseCode AND s.status <> 'in_stock' " +
						'ORDER BY s.quantity ASC;',
				),
			),
		restock: a
			.mutation()
			.arguments({ id: a.integer().required(), quantity: a.integer().required() })
			.returns(a.json())
			.authorization((allow) => [allow.group('Accountants')])
			.handler(
				a.handler.inlineSql(
					"UPDATE stock_items SET quantity = quantity + :quantity, status = 'in_stock', " +
						'updated_at = NOW() ' +
						'WHERE id = :id;',
				),
			),
	});
