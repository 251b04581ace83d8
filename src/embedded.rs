//! The built-in policy pack and target catalogue, compiled into the binary.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
