CREATE TABLE "settle_cases" (
	"run_id" integer NOT NULL,
	"encounter_id" bigint NOT NULL,
	"institution_id" text NOT NULL,
	"method" text NOT NULL,
	"group" text,
	"exclusion" text,
	"outlier" text,
	"standard_fen" bigint NOT NULL,
	"charges_fen" bigint NOT NULL,
	"fund_fen" bigint NOT NULL,
	"patient_fen" bigint NOT NULL,
	"balance_fen" bigint NOT NULL,
	CONSTRAINT "settle_cases_pkey" PRIMARY KEY("run_id","encounter_id")
);
--> statement-breakpoint
CREATE TABLE "settle_claims" (
	"run_id" integer NOT NULL,
	"person_id" bigint NOT NULL,
	"encounter_ids" bigint[] NOT NULL,
	"fund_fen" bigint[] NOT NULL,
	"critical_illness_fen" bigint[] NOT NULL,
	"patient_fen" bigint[] NOT NULL,
	"hospital_fen" bigint[] NOT NULL,
	CONSTRAINT "settle_claims_pkey" PRIMARY KEY("run_id","person_id")
);
--> statement-breakpoint
CREATE TABLE "settle_findings" (
	"run_id" integer NOT NULL,
	"seq" integer NOT NULL,
	"rule_id" text NOT NULL,
	"institution_id" text,
	"person_id" bigint,
	"encounter_ids" text NOT NULL,
	"first_date" date,
	"last_date" date,
	"amount_fen" bigint NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "settle_findings_pkey" PRIMARY KEY("run_id","seq")
);
--> statement-breakpoint
CREATE TABLE "settle_institutions" (
	"run_id" integer NOT NULL,
	"institution_id" text NOT NULL,
	"in_county" boolean NOT NULL,
	"claims" integer NOT NULL,
	"inpatient_cases" integer NOT NULL,
	"charges_fen" bigint NOT NULL,
	"fund_fen" bigint NOT NULL,
	"patient_fen" bigint NOT NULL,
	"payment_fen" bigint NOT NULL,
	"capitation_fen" bigint NOT NULL,
	"balance_fen" bigint NOT NULL,
	"detail" jsonb NOT NULL,
	CONSTRAINT "settle_institutions_pkey" PRIMARY KEY("run_id","institution_id")
);
--> statement-breakpoint
CREATE TABLE "settle_ledger" (
	"run_id" integer NOT NULL,
	"month" text NOT NULL,
	"budget_fen" bigint NOT NULL,
	"advance_fen" bigint NOT NULL,
	"in_county_fen" bigint NOT NULL,
	"out_of_county_fen" bigint NOT NULL,
	"pharmacy_fen" bigint NOT NULL,
	"charged_fen" bigint NOT NULL,
	"cumulative_charged_fen" bigint NOT NULL,
	"cumulative_balance_fen" bigint NOT NULL,
	CONSTRAINT "settle_ledger_pkey" PRIMARY KEY("run_id","month")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"run_id" integer NOT NULL,
	"param_version" text NOT NULL,
	"seed" text,
	"summary" jsonb NOT NULL,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "settlements_pkey" PRIMARY KEY("county_id","year")
);
--> statement-breakpoint
ALTER TABLE "encounters" ADD COLUMN "class_b_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "encounters" ADD COLUMN "class_c_fen" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "settle_cases_institution_idx" ON "settle_cases" USING btree ("run_id","institution_id");--> statement-breakpoint
CREATE INDEX "settle_findings_rule_idx" ON "settle_findings" USING btree ("run_id","rule_id");