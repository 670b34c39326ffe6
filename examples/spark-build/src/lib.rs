//! An example Flyte backend crate. Its `build.rs` generates the Spark plugin's typed `custom`
//! message and its JSON codec with `flyteplug::Builder`, and this file includes them as the
//! module [`spark`].

/// The Spark plugin's models and codec, generated into `OUT_DIR` by `build.rs`.
pub mod spark {
    include!(concat!(env!("OUT_DIR"), "/flyteplugins_spark.rs"));
}

/// Reads a task's Spark settings from its `TaskTemplate.custom`. A missing `custom` means the
/// defaults (flytekit leaves it unset when the config encodes to `{}`). Unknown keys, from an
/// SDK newer than this backend, are ignored and listed in the result.
pub fn spark_job(
    custom: Option<&serde_json::Value>,
) -> Result<spark::Decoded<spark::SparkJob>, spark::DecodeError> {
    spark::SparkJob::from_custom(custom.unwrap_or(&serde_json::Value::Null))
}
