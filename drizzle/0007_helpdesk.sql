CREATE TABLE `caller_verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`admin_id` text NOT NULL,
	`method` text NOT NULL,
	`email` text NOT NULL,
	`code_digest` text,
	`override_reason` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	`verified_at` integer,
	`valid_until` integer,
	`closed_at` integer,
	`closed_reason` text,
	`used_at` integer,
	`write_id` text,
	`used_for` text,
	`used_ref` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`admin_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `caller_verifications_admin_user` ON `caller_verifications` (`admin_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `caller_verifications_used_ref` ON `caller_verifications` (`used_ref`);--> statement-breakpoint
CREATE TABLE `reset_approvals` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`action` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`parameters` text,
	`verification_id` text,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` integer,
	`decision_reason` text,
	`reveal_until` integer,
	`executed_at` integer,
	`reset_id` text,
	`write_id` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reset_approvals_one_pending` ON `reset_approvals` (`user_id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `reset_approvals_tenant_requested` ON `reset_approvals` (`tenant_id`,`requested_at`);--> statement-breakpoint
CREATE INDEX `reset_approvals_reset` ON `reset_approvals` (`reset_id`);