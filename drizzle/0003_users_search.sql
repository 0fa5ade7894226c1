-- A trigram full-text index of each user's email and display name, for substring search that does
-- not scan the tenant. It keeps its own copy of the user's id, which the search joins users by and
-- the triggers find an entry by (not the rowid: VACUUM may renumber the rowids of `users`). The
-- triggers run inside whatever transaction (Node) or batch (D1) writes the users row, so the index
-- never disagrees with a committed row. Finding an entry by id scans the index: acceptable, since
-- emails and names change rarely and users are not deleted today.
CREATE VIRTUAL TABLE `users_search` USING fts5(`user_id` UNINDEXED, `email`, `display_name`, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `users_search` (`user_id`, `email`, `display_name`) SELECT `id`, `email`, `display_name` FROM `users`;
--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (`user_id`, `email`, `display_name`) VALUES (new.`id`, new.`email`, new.`display_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `id`, `email`, `display_name` ON `users` BEGIN
  DELETE FROM `users_search` WHERE `user_id` = old.`id`;
  INSERT INTO `users_search` (`user_id`, `email`, `display_name`) VALUES (new.`id`, new.`email`, new.`display_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE `user_id` = old.`id`;
END;
