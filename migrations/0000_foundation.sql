CREATE TABLE "enrolments" (
	"resident_id" bigint NOT NULL,
	"year" integer NOT NULL,
	"scheme" text NOT NULL,
	"category" text NOT NULL,
	CONSTRAINT "enrolments_pkey" PRIMARY KEY("resident_id","year"),
	CONSTRAINT "enrolments_scheme_check" CHECK ("enrolments"."scheme" in ('resident', 'employee'))
);
--> statement-breakpoint
CREATE TABLE "institutions" (
	"id" text PRIMARY KEY NOT NULL,
	"jurisdiction_id" text NOT NULL,
	"township_id" text,
	"kind" text NOT NULL,
	"level" text NOT NULL,
	"in_county" boolean NOT NULL,
	"community_id" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	"beds" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "institutions_kind_check" CHECK ("institutions"."kind" in ('county_general', 'county_tcm', 'county_mch', 'township_centre', 'village_clinic', 'out_of_county_city', 'out_of_county_province')),
	CONSTRAINT "institutions_level_check" CHECK ("institutions"."level" in ('primary', 'secondary', 'tertiary')),
	CONSTRAINT "institutions_beds_check" CHECK ("institutions"."beds" >= 0)
);
--> statement-breakpoint
CREATE TABLE "jurisdictions" (
	"id" text PRIMARY KEY NOT NULL,
	"parent_id" text,
	"level" text NOT NULL,
	"adcode" text,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL,
	CONSTRAINT "jurisdictions_level_check" CHECK ("jurisdictions"."level" in ('national', 'province', 'region', 'county', 'township', 'village'))
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "residents" (
	"id" bigint PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"township_id" text NOT NULL,
	"village_id" text NOT NULL,
	"sex" text NOT NULL,
	"birth_date" date NOT NULL,
	CONSTRAINT "residents_sex_check" CHECK ("residents"."sex" in ('M', 'F'))
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" integer PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 START WITH 1 CACHE 1),
	"kind" text NOT NULL,
	"param_version" text NOT NULL,
	"seed" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"status" text DEFAULT 'running' NOT NULL,
	"summary" jsonb,
	CONSTRAINT "runs_status_check" CHECK ("runs"."status" in ('running', 'succeeded', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" text PRIMARY KEY NOT NULL,
	"institution_id" text NOT NULL,
	"role" text NOT NULL,
	"title" text DEFAULT 'none' NOT NULL,
	"sex" text NOT NULL,
	"birth_year" smallint NOT NULL,
	CONSTRAINT "staff_role_check" CHECK ("staff"."role" in ('doctor', 'nurse', 'pharmacist', 'technician', 'village_doctor', 'manager')),
	CONSTRAINT "staff_sex_check" CHECK ("staff"."sex" in ('M', 'F'))
);
--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_jurisdiction_id_jurisdictions_id_fk" FOREIGN KEY ("jurisdiction_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_township_id_jurisdictions_id_fk" FOREIGN KEY ("township_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "institutions" ADD CONSTRAINT "institutions_community_id_institutions_id_fk" FOREIGN KEY ("community_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jurisdictions" ADD CONSTRAINT "jurisdictions_parent_id_jurisdictions_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."jurisdictions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_institution_id_institutions_id_fk" FOREIGN KEY ("institution_id") REFERENCES "public"."institutions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "institutions_jurisdiction_idx" ON "institutions" USING btree ("jurisdiction_id");--> statement-breakpoint
CREATE INDEX "institutions_community_idx" ON "institutions" USING btree ("community_id");--> statement-breakpoint
CREATE INDEX "jurisdictions_parent_idx" ON "jurisdictions" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "runs_kind_idx" ON "runs" USING btree ("kind","started_at");--> statement-breakpoint
CREATE INDEX "staff_institution_idx" ON "staff" USING btree ("institution_id");