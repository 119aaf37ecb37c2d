CREATE TABLE "datasets" (
	"county_id" text PRIMARY KEY NOT NULL,
	"seed" text NOT NULL,
	"param_version" text NOT NULL,
	"catalogue_version" text NOT NULL,
	"population" integer NOT NULL,
	"start_year" integer NOT NULL,
	"years" integer NOT NULL,
	"manifest" jsonb NOT NULL,
	"loaded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drug_volumes" (
	"county_id" text NOT NULL,
	"month" text NOT NULL,
	"institution_id" text NOT NULL,
	"drug_id" text NOT NULL,
	"quantity" bigint NOT NULL,
	"amount_fen" bigint NOT NULL,
	"lines" integer NOT NULL,
	CONSTRAINT "drug_volumes_pkey" PRIMARY KEY("county_id","month","institution_id","drug_id")
);
--> statement-breakpoint
CREATE TABLE "encounters" (
	"id" bigint PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"person_id" bigint NOT NULL,
	"institution_id" text NOT NULL,
	"care_level" text NOT NULL,
	"type" text NOT NULL,
	"scheme" text NOT NULL,
	"disease_id" text NOT NULL,
	"principal_dx" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"los" integer NOT NULL,
	"severity" smallint NOT NULL,
	"referral_id" bigint,
	"total_fen" bigint NOT NULL,
	"bed_fen" bigint NOT NULL,
	"consultation_fen" bigint NOT NULL,
	"examination_fen" bigint NOT NULL,
	"laboratory_fen" bigint NOT NULL,
	"treatment_fen" bigint NOT NULL,
	"surgery_fen" bigint NOT NULL,
	"nursing_fen" bigint NOT NULL,
	"materials_fen" bigint NOT NULL,
	"western_drug_fen" bigint NOT NULL,
	"patent_drug_fen" bigint NOT NULL,
	"herbal_drug_fen" bigint NOT NULL,
	"general_diagnosis_fen" bigint NOT NULL,
	"registration_fen" bigint NOT NULL,
	"other_fen" bigint NOT NULL,
	CONSTRAINT "encounters_type_check" CHECK ("encounters"."type" in ('outpatient', 'emergency', 'inpatient')),
	CONSTRAINT "encounters_care_level_check" CHECK ("encounters"."care_level" in ('village', 'township', 'county', 'out_of_county')),
	CONSTRAINT "encounters_total_check" CHECK ("encounters"."total_fen" >= 0)
);
--> statement-breakpoint
CREATE TABLE "inpatient_cases" (
	"case_id" bigint PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"sex" smallint NOT NULL,
	"age" integer NOT NULL,
	"age_days" integer,
	"birth_weight" integer,
	"dept" text NOT NULL,
	"los" integer NOT NULL,
	"disposition" smallint NOT NULL,
	"diagnoses" text NOT NULL,
	"procedures" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "referrals" (
	"id" bigint PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"person_id" bigint NOT NULL,
	"direction" text NOT NULL,
	"from_institution_id" text NOT NULL,
	"to_institution_id" text NOT NULL,
	"referral_date" date NOT NULL,
	"disease_id" text NOT NULL,
	"source_encounter_id" bigint,
	"encounter_id" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "scheme" text DEFAULT 'resident' NOT NULL;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "conditions" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "family_doctor" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "entry_date" date;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "entry_reason" text;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "exit_date" date;--> statement-breakpoint
ALTER TABLE "residents" ADD COLUMN "exit_reason" text;--> statement-breakpoint
CREATE INDEX "encounters_institution_start_idx" ON "encounters" USING btree ("institution_id","start_date");