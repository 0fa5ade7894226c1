-- Counters so far were keyed by the typed email or IP in plain text: drop them (they restart).
DELETE FROM `sign_in_throttle`;--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`hits` integer NOT NULL,
	`window_started_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_expires` ON `rate_limits` (`expires_at`);--> statement-breakpoint
ALTER TABLE `sign_in_throttle` ADD `last_failure_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sign_in_throttle` ADD `consecutive_failures` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `sign_in_throttle` ADD `expires_at` integer;--> statement-breakpoint
CREATE INDEX `sign_in_throttle_expires` ON `sign_in_throttle` (`expires_at`);