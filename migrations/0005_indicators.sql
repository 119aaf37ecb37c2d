CREATE TABLE "assessments" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"scope" text NOT NULL,
	"institution_id" text DEFAULT '' NOT NULL,
	"scheme_id" text NOT NULL,
	"score" double precision NOT NULL,
	"result" jsonb NOT NULL,
	"stored_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "assessments_pkey" PRIMARY KEY("county_id","year","institution_id","scheme_id"),
	CONSTRAINT "assessments_scope_check" CHECK ("assessments"."scope" in ('county', 'institution'))
);
--> statement-breakpoint
CREATE TABLE "dashboard_snapshots" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"page" text NOT NULL,
	"body" jsonb NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dashboard_snapshots_pkey" PRIMARY KEY("county_id","year","page")
);
--> statement-breakpoint
CREATE TABLE "dashboard_traces" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"trace_id" text NOT NULL,
	"body" jsonb NOT NULL,
	CONSTRAINT "dashboard_traces_pkey" PRIMARY KEY("county_id","year","trace_id")
);
--> statement-breakpoint
CREATE TABLE "indicator_items" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"scope" text NOT NULL,
	"institution_id" text DEFAULT '' NOT NULL,
	"item" text NOT NULL,
	"value" double precision NOT NULL,
	CONSTRAINT "indicator_items_pkey" PRIMARY KEY("county_id","year","institution_id","item"),
	CONSTRAINT "indicator_items_scope_check" CHECK ("indicator_items"."scope" in ('county', 'institution'))
);
--> statement-breakpoint
CREATE TABLE "indicator_values" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"institution_id" text DEFAULT '' NOT NULL,
	"indicator_id" text NOT NULL,
	"value" double precision,
	"numerator" double precision,
	"denominator" double precision,
	"met" boolean,
	"reason" text,
	"trace" jsonb NOT NULL,
	CONSTRAINT "indicator_values_pkey" PRIMARY KEY("county_id","year","institution_id","indicator_id")
);
--> statement-breakpoint
CREATE TABLE "linkage_agreements" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"institution_id" text NOT NULL,
	"kind" text NOT NULL,
	"item_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"agreed" double precision NOT NULL,
	"purchased" double precision NOT NULL,
	"non_selected" double precision NOT NULL,
	"completion" double precision NOT NULL,
	"time_progress" double precision NOT NULL,
	"saving_fen" bigint NOT NULL,
	"alert" boolean NOT NULL,
	"months" jsonb NOT NULL,
	CONSTRAINT "linkage_agreements_pkey" PRIMARY KEY("county_id","year","institution_id","kind","item_id")
);
