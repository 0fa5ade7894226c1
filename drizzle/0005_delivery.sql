CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`recipient` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`sent_at` integer,
	`last_error` text,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `outbox` (`next_attempt_at`) WHERE sent_at is null;--> statement-breakpoint
CREATE INDEX `outbox_tenant_created` ON `outbox` (`tenant_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `reveal_links` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`reset_id` text NOT NULL,
	`user_id` text NOT NULL,
	`recipient` text NOT NULL,
	`ciphertext` text,
	`iv` text,
	`key_check` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`sent_at` integer,
	`send_failed_at` integer,
	`opened_at` integer,
	`burned_at` integer,
	`burn_reason` text,
	`failed_attempts` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reset_id`) REFERENCES `password_resets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reveal_links_reset` ON `reveal_links` (`reset_id`);--> statement-breakpoint
CREATE INDEX `reveal_links_live_by_user` ON `reveal_links` (`user_id`) WHERE burned_at is null;--> statement-breakpoint
ALTER TABLE `password_resets` ADD `delivery_method` text DEFAULT 'display' NOT NULL;