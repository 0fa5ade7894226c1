ALTER TABLE `users` ADD `search_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `language_chosen` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `blocked_at` integer;--> statement-breakpoint
CREATE INDEX `users_tenant_search_key` ON `users` (`tenant_id`,`search_key`);--> statement-breakpoint
CREATE INDEX `audit_events_tenant_event_at` ON `audit_events` (`tenant_id`,`event`,`at`);--> statement-breakpoint
-- Search keys for the users already here (the app writes every later one: core/search-text.ts).
-- SQL can only approximate its folding: lower() folds ASCII, and the replacements below fold the
-- other capital letters of Latin-1, Latin Extended-A, Greek and Cyrillic; the word-start marks
-- are left out, so a one- or two-letter term finds these users at the start of the name or email.
-- This file needs no other: the search objects of earlier migrations are dropped if present
-- and built again below.
UPDATE `users` SET `search_key` = char(10) || lower(`display_name`) || char(10) || lower(`email`);
--> statement-breakpoint
UPDATE `users` SET `search_key` = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(`search_key`, 'À', 'à'), 'Á', 'á'), 'Â', 'â'), 'Ã', 'ã'), 'Ä', 'ä'), 'Å', 'å'), 'Æ', 'æ'), 'Ç', 'ç'), 'È', 'è'), 'É', 'é'), 'Ê', 'ê'), 'Ë', 'ë'), 'Ì', 'ì'), 'Í', 'í'), 'Î', 'î'), 'Ï', 'ï'), 'Ð', 'ð'), 'Ñ', 'ñ'), 'Ò', 'ò'), 'Ó', 'ó'), 'Ô', 'ô'), 'Õ', 'õ'), 'Ö', 'ö'), 'Ø', 'ø'), 'Ù', 'ù'), 'Ú', 'ú'), 'Û', 'û'), 'Ü', 'ü'), 'Ý', 'ý'), 'Þ', 'þ'), 'ß', 'ss'), 'Ā', 'ā'), 'Ă', 'ă'), 'Ą', 'ą'), 'Ć', 'ć'), 'Ĉ', 'ĉ'), 'Ċ', 'ċ'), 'Č', 'č'), 'Ď', 'ď'), 'Đ', 'đ'), 'Ē', 'ē'), 'Ĕ', 'ĕ'), 'Ė', 'ė'), 'Ę', 'ę'), 'Ě', 'ě'), 'Ĝ', 'ĝ'), 'Ğ', 'ğ'), 'Ġ', 'ġ'), 'Ģ', 'ģ'), 'Ĥ', 'ĥ'), 'Ħ', 'ħ'), 'Ĩ', 'ĩ'), 'Ī', 'ī'), 'Ĭ', 'ĭ'), 'Į', 'į'), 'İ', 'i̇'), 'Ĳ', 'ĳ'), 'Ĵ', 'ĵ'), 'Ķ', 'ķ'), 'Ĺ', 'ĺ'), 'Ļ', 'ļ'), 'Ľ', 'ľ'), 'Ŀ', 'ŀ'), 'Ł', 'ł'), 'Ń', 'ń'), 'Ņ', 'ņ'), 'Ň', 'ň'), 'Ŋ', 'ŋ'), 'Ō', 'ō'), 'Ŏ', 'ŏ'), 'Ő', 'ő'), 'Œ', 'œ'), 'Ŕ', 'ŕ'), 'Ŗ', 'ŗ'), 'Ř', 'ř'), 'Ś', 'ś'), 'Ŝ', 'ŝ'), 'Ş', 'ş'), 'Š', 'š'), 'Ţ', 'ţ'), 'Ť', 'ť'), 'Ŧ', 'ŧ'), 'Ũ', 'ũ'), 'Ū', 'ū'), 'Ŭ', 'ŭ'), 'Ů', 'ů'), 'Ű', 'ű'), 'Ų', 'ų'), 'Ŵ', 'ŵ'), 'Ŷ', 'ŷ');
--> statement-breakpoint
UPDATE `users` SET `search_key` = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(`search_key`, 'Ÿ', 'ÿ'), 'Ź', 'ź'), 'Ż', 'ż'), 'Ž', 'ž'), 'Ͱ', 'ͱ'), 'Ͳ', 'ͳ'), 'Ͷ', 'ͷ'), 'Ϳ', 'ϳ'), 'Ά', 'ά'), 'Έ', 'έ'), 'Ή', 'ή'), 'Ί', 'ί'), 'Ό', 'ό'), 'Ύ', 'ύ'), 'Ώ', 'ώ'), 'Α', 'α'), 'Β', 'β'), 'Γ', 'γ'), 'Δ', 'δ'), 'Ε', 'ε'), 'Ζ', 'ζ'), 'Η', 'η'), 'Θ', 'θ'), 'Ι', 'ι'), 'Κ', 'κ'), 'Λ', 'λ'), 'Μ', 'μ'), 'Ν', 'ν'), 'Ξ', 'ξ'), 'Ο', 'ο'), 'Π', 'π'), 'Ρ', 'ρ'), 'Σ', 'σ'), 'Τ', 'τ'), 'Υ', 'υ'), 'Φ', 'φ'), 'Χ', 'χ'), 'Ψ', 'ψ'), 'Ω', 'ω'), 'Ϊ', 'ϊ'), 'Ϋ', 'ϋ'), 'Ϗ', 'ϗ'), 'Ϙ', 'ϙ'), 'Ϛ', 'ϛ'), 'Ϝ', 'ϝ'), 'Ϟ', 'ϟ'), 'Ϡ', 'ϡ'), 'Ϣ', 'ϣ'), 'Ϥ', 'ϥ'), 'Ϧ', 'ϧ'), 'Ϩ', 'ϩ'), 'Ϫ', 'ϫ'), 'Ϭ', 'ϭ'), 'Ϯ', 'ϯ'), 'ϴ', 'θ'), 'Ϸ', 'ϸ'), 'Ϲ', 'ϲ'), 'Ϻ', 'ϻ'), 'Ͻ', 'ͻ'), 'Ͼ', 'ͼ'), 'Ͽ', 'ͽ'), 'Ѐ', 'ѐ'), 'Ё', 'ё'), 'Ђ', 'ђ'), 'Ѓ', 'ѓ'), 'Є', 'є'), 'Ѕ', 'ѕ'), 'І', 'і'), 'Ї', 'ї'), 'Ј', 'ј'), 'Љ', 'љ'), 'Њ', 'њ'), 'Ћ', 'ћ'), 'Ќ', 'ќ'), 'Ѝ', 'ѝ'), 'Ў', 'ў'), 'Џ', 'џ'), 'А', 'а'), 'Б', 'б'), 'В', 'в'), 'Г', 'г'), 'Д', 'д'), 'Е', 'е'), 'Ж', 'ж'), 'З', 'з'), 'И', 'и'), 'Й', 'й'), 'К', 'к'), 'Л', 'л'), 'М', 'м');
--> statement-breakpoint
UPDATE `users` SET `search_key` = replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(`search_key`, 'Н', 'н'), 'О', 'о'), 'П', 'п'), 'Р', 'р'), 'С', 'с'), 'Т', 'т'), 'У', 'у'), 'Ф', 'ф'), 'Х', 'х'), 'Ц', 'ц'), 'Ч', 'ч'), 'Ш', 'ш'), 'Щ', 'щ'), 'Ъ', 'ъ'), 'Ы', 'ы'), 'Ь', 'ь'), 'Э', 'э'), 'Ю', 'ю'), 'Я', 'я'), 'Ѡ', 'ѡ'), 'Ѣ', 'ѣ'), 'Ѥ', 'ѥ'), 'Ѧ', 'ѧ'), 'Ѩ', 'ѩ'), 'Ѫ', 'ѫ'), 'Ѭ', 'ѭ'), 'Ѯ', 'ѯ'), 'Ѱ', 'ѱ'), 'Ѳ', 'ѳ'), 'Ѵ', 'ѵ'), 'Ѷ', 'ѷ'), 'Ѹ', 'ѹ'), 'Ѻ', 'ѻ'), 'Ѽ', 'ѽ'), 'Ѿ', 'ѿ'), 'Ҁ', 'ҁ'), 'Ҋ', 'ҋ'), 'Ҍ', 'ҍ'), 'Ҏ', 'ҏ'), 'Ґ', 'ґ'), 'Ғ', 'ғ'), 'Ҕ', 'ҕ'), 'Җ', 'җ'), 'Ҙ', 'ҙ'), 'Қ', 'қ'), 'Ҝ', 'ҝ'), 'Ҟ', 'ҟ'), 'Ҡ', 'ҡ'), 'Ң', 'ң'), 'Ҥ', 'ҥ'), 'Ҧ', 'ҧ'), 'Ҩ', 'ҩ'), 'Ҫ', 'ҫ'), 'Ҭ', 'ҭ'), 'Ү', 'ү'), 'Ұ', 'ұ'), 'Ҳ', 'ҳ'), 'Ҵ', 'ҵ'), 'Ҷ', 'ҷ'), 'Ҹ', 'ҹ'), 'Һ', 'һ'), 'Ҽ', 'ҽ'), 'Ҿ', 'ҿ'), 'Ӏ', 'ӏ'), 'Ӂ', 'ӂ'), 'Ӄ', 'ӄ'), 'Ӆ', 'ӆ'), 'Ӈ', 'ӈ'), 'Ӊ', 'ӊ'), 'Ӌ', 'ӌ'), 'Ӎ', 'ӎ'), 'Ӑ', 'ӑ'), 'Ӓ', 'ӓ'), 'Ӕ', 'ӕ'), 'Ӗ', 'ӗ'), 'Ә', 'ә'), 'Ӛ', 'ӛ'), 'Ӝ', 'ӝ'), 'Ӟ', 'ӟ'), 'Ӡ', 'ӡ'), 'Ӣ', 'ӣ'), 'Ӥ', 'ӥ'), 'Ӧ', 'ӧ'), 'Ө', 'ө'), 'Ӫ', 'ӫ'), 'Ӭ', 'ӭ'), 'Ӯ', 'ӯ'), 'Ӱ', 'ӱ'), 'Ӳ', 'ӳ'), 'Ӵ', 'ӵ');
--> statement-breakpoint
UPDATE `users` SET `search_key` = replace(replace(replace(replace(replace(`search_key`, 'Ӷ', 'ӷ'), 'Ӹ', 'ӹ'), 'Ӻ', 'ӻ'), 'Ӽ', 'ӽ'), 'Ӿ', 'ӿ');
--> statement-breakpoint
-- The trigram index of 0003 is rebuilt over the search key, compared as stored: the key and the
-- term are both folded by the app already, so the index folds nothing itself (case_sensitive 1).
DROP TRIGGER IF EXISTS `users_search_insert`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `users_search_update`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `users_search_delete`;
--> statement-breakpoint
DROP TABLE IF EXISTS `users_search`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `users_search` USING fts5(`user_id` UNINDEXED, `search_key`, tokenize = 'trigram case_sensitive 1');
--> statement-breakpoint
INSERT INTO `users_search` (`user_id`, `search_key`) SELECT `id`, `search_key` FROM `users`;
--> statement-breakpoint
CREATE TRIGGER `users_search_insert` AFTER INSERT ON `users` BEGIN
  INSERT INTO `users_search` (`user_id`, `search_key`) VALUES (new.`id`, new.`search_key`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_update` AFTER UPDATE OF `id`, `search_key` ON `users` BEGIN
  DELETE FROM `users_search` WHERE `user_id` = old.`id`;
  INSERT INTO `users_search` (`user_id`, `search_key`) VALUES (new.`id`, new.`search_key`);
END;
--> statement-breakpoint
CREATE TRIGGER `users_search_delete` AFTER DELETE ON `users` BEGIN
  DELETE FROM `users_search` WHERE `user_id` = old.`id`;
END;
