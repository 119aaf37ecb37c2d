CREATE SEQUENCE "public"."network_referral_api_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "network_alerts" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"encounter_id" text NOT NULL,
	"person_id" text NOT NULL,
	"disease_id" text NOT NULL,
	"institution_id" text NOT NULL,
	"date" date NOT NULL,
	"message_zh" text NOT NULL,
	"message_en" text NOT NULL,
	CONSTRAINT "network_alerts_pkey" PRIMARY KEY("county_id","year","encounter_id")
);
--> statement-breakpoint
CREATE TABLE "network_builds" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"seed" text NOT NULL,
	"param_version" text NOT NULL,
	"built_at" timestamp with time zone DEFAULT now() NOT NULL,
	"summary" jsonb NOT NULL,
	CONSTRAINT "network_builds_pkey" PRIMARY KEY("county_id","year")
);
--> statement-breakpoint
CREATE TABLE "network_contracts" (
	"id" text PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"person_id" text NOT NULL,
	"team_id" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"package_ids" text NOT NULL,
	"renewal_of" text
);
--> statement-breakpoint
CREATE TABLE "network_outreach_sessions" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"schedule_id" text NOT NULL,
	"kind" text NOT NULL,
	"specialty" text NOT NULL,
	"specialist_id" text NOT NULL,
	"home_institution_id" text NOT NULL,
	"host_institution_id" text NOT NULL,
	"date" date NOT NULL,
	"patients" integer,
	CONSTRAINT "network_outreach_sessions_pkey" PRIMARY KEY("county_id","year","schedule_id","date"),
	CONSTRAINT "network_outreach_sessions_kind_check" CHECK ("network_outreach_sessions"."kind" in ('famous_doctor_studio', 'visiting_specialist'))
);
--> statement-breakpoint
CREATE TABLE "network_referral_events" (
	"referral_id" text NOT NULL,
	"seq" integer NOT NULL,
	"action" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"actor_institution_id" text,
	"at" timestamp with time zone NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"reason" text,
	"encounter_id" text,
	CONSTRAINT "network_referral_events_pkey" PRIMARY KEY("referral_id","seq"),
	CONSTRAINT "network_referral_events_actor_check" CHECK ("network_referral_events"."actor_kind" in ('doctor', 'staff', 'system'))
);
--> statement-breakpoint
CREATE TABLE "network_referrals" (
	"id" text PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"origin" text NOT NULL,
	"year" integer,
	"generated_id" bigint,
	"person_id" text NOT NULL,
	"disease_id" text,
	"from_institution_id" text NOT NULL,
	"from_level" text NOT NULL,
	"from_in_county" boolean NOT NULL,
	"to_institution_id" text NOT NULL,
	"to_level" text NOT NULL,
	"to_in_county" boolean NOT NULL,
	"direction" text NOT NULL,
	"scope" text NOT NULL,
	"state" text NOT NULL,
	"version" integer NOT NULL,
	"requested_at" timestamp with time zone NOT NULL,
	"state_since" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone,
	"source_encounter_id" text,
	"encounter_ids" text DEFAULT '' NOT NULL,
	CONSTRAINT "network_referrals_state_check" CHECK ("network_referrals"."state" in ('requested', 'accepted', 'declined', 'arrived', 'record_returned', 'closed', 'cancelled', 'expired')),
	CONSTRAINT "network_referrals_direction_check" CHECK ("network_referrals"."direction" in ('up', 'down')),
	CONSTRAINT "network_referrals_scope_check" CHECK ("network_referrals"."scope" in ('within_county', 'out_of_county')),
	CONSTRAINT "network_referrals_origin_check" CHECK ("network_referrals"."origin" in ('generated', 'api')),
	CONSTRAINT "network_referrals_version_check" CHECK ("network_referrals"."version" >= 1)
);
--> statement-breakpoint
CREATE TABLE "network_remote_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"kind" text NOT NULL,
	"from_institution_id" text NOT NULL,
	"to_institution_id" text NOT NULL,
	"person_id" text,
	"requested_at" timestamp with time zone NOT NULL,
	"reported_at" timestamp with time zone,
	CONSTRAINT "network_remote_requests_kind_check" CHECK ("network_remote_requests"."kind" in ('teleconsultation', 'remote_imaging', 'remote_ecg'))
);
--> statement-breakpoint
CREATE TABLE "network_services" (
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"person_id" text NOT NULL,
	"service" text NOT NULL,
	"date" date NOT NULL,
	"institution_id" text,
	"contract_id" text
);
--> statement-breakpoint
CREATE TABLE "network_team_members" (
	"team_id" text NOT NULL,
	"staff_id" text NOT NULL,
	"role" text NOT NULL,
	"title" text NOT NULL,
	"institution_id" text NOT NULL,
	CONSTRAINT "network_team_members_pkey" PRIMARY KEY("team_id","staff_id","role")
);
--> statement-breakpoint
CREATE TABLE "network_teams" (
	"id" text PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"institution_id" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "network_training_records" (
	"doctor_id" text NOT NULL,
	"kind" text NOT NULL,
	"institution_id" text NOT NULL,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	CONSTRAINT "network_training_records_pkey" PRIMARY KEY("doctor_id","start_date"),
	CONSTRAINT "network_training_records_kind_check" CHECK ("network_training_records"."kind" in ('rotation', 'further_study'))
);
--> statement-breakpoint
CREATE TABLE "network_village_doctors" (
	"id" text PRIMARY KEY NOT NULL,
	"county_id" text NOT NULL,
	"year" integer NOT NULL,
	"village_id" text NOT NULL,
	"township_id" text NOT NULL,
	"clinic_id" text NOT NULL,
	"birth_date" date NOT NULL,
	"sex" text,
	"qualification" text NOT NULL,
	"college_graduate" boolean NOT NULL,
	"start_date" date,
	"end_date" date,
	CONSTRAINT "network_village_doctors_qualification_check" CHECK ("network_village_doctors"."qualification" in ('licensed_physician', 'licensed_assistant_physician', 'village_doctor_certificate', 'none'))
);
--> statement-breakpoint
ALTER TABLE "network_referral_events" ADD CONSTRAINT "network_referral_events_referral_id_network_referrals_id_fk" FOREIGN KEY ("referral_id") REFERENCES "public"."network_referrals"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_team_members" ADD CONSTRAINT "network_team_members_team_id_network_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."network_teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "network_training_records" ADD CONSTRAINT "network_training_records_doctor_id_network_village_doctors_id_fk" FOREIGN KEY ("doctor_id") REFERENCES "public"."network_village_doctors"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "network_contracts_county_year_idx" ON "network_contracts" USING btree ("county_id","year");--> statement-breakpoint
CREATE INDEX "network_referrals_to_idx" ON "network_referrals" USING btree ("to_institution_id","requested_at");--> statement-breakpoint
CREATE INDEX "network_referrals_from_idx" ON "network_referrals" USING btree ("from_institution_id","requested_at");--> statement-breakpoint
CREATE INDEX "network_referrals_county_year_idx" ON "network_referrals" USING btree ("county_id","year");--> statement-breakpoint
CREATE INDEX "network_referrals_deadline_idx" ON "network_referrals" USING btree ("deadline_at");--> statement-breakpoint
CREATE INDEX "network_remote_requests_county_year_idx" ON "network_remote_requests" USING btree ("county_id","year");--> statement-breakpoint
CREATE INDEX "network_services_county_year_idx" ON "network_services" USING btree ("county_id","year");--> statement-breakpoint
CREATE INDEX "network_teams_county_year_idx" ON "network_teams" USING btree ("county_id","year");--> statement-breakpoint
CREATE INDEX "network_village_doctors_county_year_idx" ON "network_village_doctors" USING btree ("county_id","year");