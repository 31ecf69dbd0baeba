UPDATE runs SET languages = $languages WHERE run_id = $run_id;
