//! The result cache for `--eval-jobs`: the coordinator's job list is one entry (what
//! discovery read), each job's record another (what its worker had read up to then, a
//! superset of what the job needed, since a worker shares imports between jobs). The
//! coordinator answers cached jobs itself, writing any lost `.drv` through its own store
//! writer, and starts workers only for the rest. Runs with `--differential` (which asks
//! Nix) or `--gc-roots-dir` (which makes roots) are not cached; a worker's stderr is not
//! kept.

use crate::args::Cli;
use crate::eval_cache::{immutable_roots, open, reads_of, replay_store, store_objects};
use rnix_eval_core::term::eprint_line;
use rnix_eval_core::Evaluator;
use rnix_eval_result_cache::{Cache, Entry, Key, KeyBuilder, Recorder, Validator};
use serde_json::Value as Json;

/// The flags that tell the coordinator from a worker: left out of the keys both compute.
const ROLE_FLAGS: &[&str] = &["--eval-jobs", "--eval-jobs-worker"];

pub struct JobsCache {
    cache: Cache,
    base: Key,
    started_ns: i128,
    validator: Validator,
    verbose: bool,
}

impl JobsCache {
    /// Recording starts here: the IO gate logs from now on.
    pub fn start(ev: &mut Evaluator, cli: &Cli, cwd: &str) -> Option<JobsCache> {
        if cli.differential || cli.gc_roots_dir.is_some() {
            return None;
        }
        let cache = open(cli)?;
        ev.io.log = Some(Vec::new());
        Some(JobsCache {
            cache,
            base: crate::eval_cache::key("jobs", cwd, ROLE_FLAGS),
            started_ns: rnix_eval_result_cache::now_ns(),
            validator: Validator::default(),
            verbose: cli.verbose > 0,
        })
    }

    fn say(&self, message: &str) {
        if self.verbose {
            eprint_line(format!("rnix-eval: {message}").as_bytes());
        }
    }

    fn list_key(&self) -> Key {
        KeyBuilder::new("jobs-list").field(&self.base.0).finish()
    }

    fn job_key(&self, path: &[String]) -> Key {
        KeyBuilder::new("job")
            .field(&self.base.0)
            .field(Json::from(path.to_vec()).to_string().as_bytes())
            .finish()
    }

    fn record(&self, ev: &Evaluator, key: &Key, stdout: Vec<u8>) {
        let recorder = Recorder {
            immutable: immutable_roots(ev),
            started_ns: self.started_ns,
        };
        let deps = match recorder.record(&reads_of(ev)) {
            Ok(deps) => deps,
            Err(why) => return self.say(&format!("result not cached: {}", why.0)),
        };
        let entry = Entry {
            deps,
            recorded_at: rnix_eval_result_cache::now_secs(),
            stdout,
            store: store_objects(ev),
            ..Entry::default()
        };
        let _ = self.cache.store(key, &entry);
    }

    /// The cached job list, if what discovery read is unchanged.
    pub fn cached_list(&mut self) -> Option<Vec<rnix_eval_jobs::Found>> {
        let entry = self.cache.lookup(&self.list_key(), &mut self.validator).ok()?;
        let list: Vec<(Vec<String>, Option<String>)> = serde_json::from_slice(&entry.stdout).ok()?;
        self.say("job list from the result cache");
        Some(list)
    }

    pub fn store_list(&self, ev: &Evaluator, found: &[rnix_eval_jobs::Found]) {
        if let Ok(text) = serde_json::to_vec(found) {
            self.record(ev, &self.list_key(), text);
        }
    }

    /// Print the jobs the cache answers (their lost store objects written again); the
    /// rest, which workers must evaluate, and how many of the answered ones failed.
    pub fn answer(
        &mut self,
        ev: &mut Evaluator,
        jobs: Vec<Vec<String>>,
        print: &mut dyn FnMut(&Json),
    ) -> (Vec<Vec<String>>, usize) {
        let total = jobs.len();
        let mut rest = Vec::new();
        let mut failed = 0;
        for path in jobs {
            let hit = self
                .cache
                .lookup(&self.job_key(&path), &mut self.validator)
                .ok()
                .and_then(|e| Some((serde_json::from_slice::<Json>(&e.stdout).ok()?, e)));
            match hit {
                Some((record, entry)) if replay_store(ev, &entry.store).is_ok() => {
                    failed += usize::from(rnix_eval_jobs::record_failed(&record));
                    print(&record);
                }
                _ => rest.push(path),
            }
        }
        self.say(&format!("{} of {total} jobs from the result cache", total - rest.len()));
        (rest, failed)
    }

    /// In a worker: keep a job's record (only records of jobs that evaluated).
    pub fn store_job(&self, ev: &Evaluator, path: &[String], record: &Json) {
        if record.get("error").is_none() {
            self.record(ev, &self.job_key(path), record.to_string().into_bytes());
        }
    }
}
