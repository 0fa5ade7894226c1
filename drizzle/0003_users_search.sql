-- A trigram full-text index of each user's email and display name, for substring search that does
-- not scan the tenant. It keeps its own copy of the user's id (the search joins users by id); its
-- rowid follows the users row, which is how the triggers find an entry to replace. The triggers run
-- inside whatever transaction (Node) or batch (D1) writes the users row, so the index never
-- disagrees with a committed row.
CREATE VIRTUAL TABLE `users_search` USING fts5(`user_id` UNINDEXED, `email`, `display_name`, tokenize = 'trigram');
--> statement-breakpoint
INSERT INTO `users_search` (`rowid`, `user_id`, `email`, `display_name`) SELECT `rowid`, `id`, `email`, `display_name` FROM `users`;
--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (`rowid`, `user_id`, `email`, `display_name`) VALUES (new.`rowid`, new.`id`, new.`email`, new.`display_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `id`, `email`, `display_name` ON `users` BEGIN
  DELETE FROM `users_search` WHERE `rowid` = old.`rowid`;
  INSERT INTO `users_search` (`rowid`, `user_id`, `email`, `display_name`) VALUES (new.`rowid`, new.`id`, new.`email`, new.`display_name`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE `rowid` = old.`rowid`;
END;
