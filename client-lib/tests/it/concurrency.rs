//! Many tests in many threads and processes writing one pact file lose nothing.

use accord::{PactBuilder, json};

use crate::read_pact;

const CHILD_ENV: &str = "ACCORD_TEST_WRITER_CHILD";

fn write_interactions(dir: &std::path::Path, run_id: Option<&str>, prefix: &str, count: usize) {
    for n in 0..count {
        let mut pact = PactBuilder::new("many", "writers").output_dir(dir);
        if let Some(run_id) = run_id {
            pact = pact.run_id(run_id);
        }
        pact.verify_message(
            &format!("{prefix} event {n}"),
            |m| {
                m.message(|c| c.json_contents(json!({"n": n})));
            },
            |_| Ok::<(), String>(()),
        )
        .expect("write succeeds");
    }
}

#[test]
fn threads_and_processes_writing_one_file_lose_nothing() {
    if let Some(dir) = std::env::var_os(CHILD_ENV) {
        // Child role: one of several processes started by the parent below.
        let prefix = format!("process {}", std::process::id());
        write_interactions(std::path::Path::new(&dir), None, &prefix, 10);
        return;
    }
    let dir = crate::temp_dir("concurrency");
    let run_id = format!("concurrency-{}", std::process::id());
    let exe = std::env::current_exe().expect("test binary path");
    let children: Vec<_> = (0..3)
        .map(|_| {
            std::process::Command::new(&exe)
                .args([
                    "--exact",
                    "concurrency::threads_and_processes_writing_one_file_lose_nothing",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, &dir)
                .env("ACCORD_RUN_ID", &run_id)
                .stdout(std::process::Stdio::null())
                .spawn()
                .expect("child starts")
        })
        .collect();
    // Threads of this process write at the same time, in the same run.
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let dir = dir.clone();
            let run_id = run_id.clone();
            std::thread::spawn(move || write_interactions(&dir, Some(&run_id), &format!("thread {t}"), 10))
        })
        .collect();
    for thread in threads {
        thread.join().expect("writer thread");
    }
    for mut child in children {
        assert!(
            child.wait().expect("child finishes").success(),
            "a child writer failed"
        );
    }
    let written = read_pact(&dir.join("many-writers.json"));
    assert_eq!(
        written.interactions.len(),
        3 * 10 + 4 * 10,
        "every interaction is in the file"
    );
}
