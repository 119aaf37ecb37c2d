CREATE TABLE "purchase_order_rejects" (
	"county_id" text NOT NULL,
	"source" text NOT NULL,
	"row_no" integer NOT NULL,
	"field" text NOT NULL,
	"problem" text NOT NULL,
	"raw" text NOT NULL,
	CONSTRAINT "purchase_order_rejects_pkey" PRIMARY KEY("county_id","source","row_no")
);
--> statement-breakpoint
CREATE TABLE "purchase_orders" (
	"county_id" text NOT NULL,
	"source" text NOT NULL,
	"row_no" integer NOT NULL,
	"order_date" date NOT NULL,
	"institution_id" text NOT NULL,
	"item_kind" text NOT NULL,
	"item_id" text NOT NULL,
	"quantity" bigint NOT NULL,
	"unit_price_fen" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	CONSTRAINT "purchase_orders_pkey" PRIMARY KEY("county_id","source","row_no"),
	CONSTRAINT "purchase_orders_item_kind_check" CHECK ("purchase_orders"."item_kind" in ('drug', 'consumable'))
);
--> statement-breakpoint
CREATE INDEX "purchase_orders_date_idx" ON "purchase_orders" USING btree ("county_id","order_date");