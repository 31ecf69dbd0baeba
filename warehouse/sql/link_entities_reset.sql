-- Links are recomputed from scratch: a surname that became ambiguous loses its link.
UPDATE entities SET same_as = NULL WHERE same_as IS NOT NULL;
