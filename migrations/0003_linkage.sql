CREATE TABLE "linkage_results" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"run_id" integer,
	"param_version" text NOT NULL,
	"seed" text,
	"summary" jsonb NOT NULL,
	"result" jsonb NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "linkage_results_pkey" PRIMARY KEY("county_id","year")
);
--> statement-breakpoint
CREATE TABLE "service_volumes" (
	"county_id" text NOT NULL,
	"month" text NOT NULL,
	"institution_id" text NOT NULL,
	"service_id" text NOT NULL,
	"quantity" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"lines" integer NOT NULL,
	CONSTRAINT "service_volumes_pkey" PRIMARY KEY("county_id","month","institution_id","service_id")
);
