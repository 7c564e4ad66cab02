//! Arbitrary text as a title, file name and link: slug and URL invariants.
//! The body lives in `pactum::fuzzing`, shared with the regression test.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| pactum::fuzzing::slug_url(data));
