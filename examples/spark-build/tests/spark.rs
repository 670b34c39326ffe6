//! Decodes realistic Spark `custom` JSON with the models that build.rs generated, and checks
//! the canonical re-encoding against strings derived by hand from docs/json-contract.md.

use spark_build::spark::{
    DecodeOptions, SparkJob, SparkJobApplicationType, SparkJobPodSpec, wkt::Struct,
};
use spark_build::spark_job;

/// What a Flyte TaskTemplate's `custom` Struct looks like after a trip through
/// `google.protobuf.Struct`: every number is a double (`8.0`, `30.0`), some keys use the proto
/// field names (`main_class`, `hadoop_conf`), and one key comes from a newer SDK.
const CUSTOM: &str = r#"{
  "applicationType": "SCALA",
  "mainApplicationFile": "local:///opt/spark/app/main.jar",
  "main_class": "org.acme.Main",
  "sparkConf": {"spark.executor.cores": "4", "spark.driver.memory": "2g"},
  "hadoop_conf": {"fs.s3a.endpoint": "http://minio:9000"},
  "executorPath": "/usr/bin/python3",
  "databricksConf": {"new_cluster": {"num_workers": 8.0, "spark_version": "13.3.x-scala2.12"},
                     "timeout_seconds": 3600.0},
  "databricksInstance": "acme.cloud.databricks.com",
  "driver": {"resources": {"cpu": "1", "memory": "2Gi", "gpu": 0.0}, "instances": 1.0,
             "labels": {"role": "driver"}},
  "executor": {"resources": {"cpu": "2", "memory": "8Gi", "gpu": 1.0}, "instances": 4.0},
  "retryBackoffSeconds": 30.0,
  "futureField": true
}"#;

/// The canonical encoding, by hand: keys sorted, JSON names, defaults omitted (`gpu: 0`),
/// integral doubles without `.0`, the int64 as a string, the unknown key dropped.
const CANONICAL: &str = concat!(
    r#"{"applicationType":"SCALA","#,
    r#""databricksConf":{"new_cluster":{"num_workers":8,"spark_version":"13.3.x-scala2.12"},"timeout_seconds":3600},"#,
    r#""databricksInstance":"acme.cloud.databricks.com","#,
    r#""driver":{"instances":1,"labels":{"role":"driver"},"resources":{"cpu":"1","memory":"2Gi"}},"#,
    r#""executor":{"instances":4,"resources":{"cpu":"2","gpu":1,"memory":"8Gi"}},"#,
    r#""executorPath":"/usr/bin/python3","#,
    r#""hadoopConf":{"fs.s3a.endpoint":"http://minio:9000"},"#,
    r#""mainApplicationFile":"local:///opt/spark/app/main.jar","#,
    r#""mainClass":"org.acme.Main","#,
    r#""retryBackoffSeconds":"30","#,
    r#""sparkConf":{"spark.driver.memory":"2g","spark.executor.cores":"4"}}"#
);

#[test]
fn decodes_a_realistic_custom() {
    let decoded = SparkJob::from_custom_str(CUSTOM).unwrap();
    assert_eq!(decoded.unknown_fields, vec!["futureField".to_string()]);
    let job = decoded.value;
    assert_eq!(job.application_type, SparkJobApplicationType::Scala);
    assert_eq!(job.main_application_file, "local:///opt/spark/app/main.jar");
    assert_eq!(job.main_class, "org.acme.Main");
    assert_eq!(job.spark_conf["spark.executor.cores"], "4");
    assert_eq!(job.hadoop_conf["fs.s3a.endpoint"], "http://minio:9000");
    assert_eq!(job.retry_backoff_seconds, 30);
    let driver = job.driver.as_ref().unwrap();
    assert_eq!(driver.instances, 1);
    assert_eq!(driver.labels["role"], "driver");
    let resources = driver.resources.as_ref().unwrap();
    assert_eq!((resources.cpu.as_str(), resources.gpu), ("1", 0));
    let executor = job.executor.as_ref().unwrap();
    assert_eq!(executor.instances, 4);
    assert_eq!(executor.resources.as_ref().unwrap().gpu, 1);
    // Struct numbers are doubles.
    let conf = job.databricks_conf.as_ref().unwrap();
    assert_eq!(conf["timeout_seconds"], serde_json::json!(3600.0));
    assert_eq!(conf["new_cluster"]["num_workers"].as_f64(), Some(8.0));
}

#[test]
fn re_encodes_canonically() {
    let job = SparkJob::from_custom_str(CUSTOM).unwrap().value;
    assert_eq!(job.to_custom_string().unwrap(), CANONICAL);
    // The native value is the canonical text parsed by serde_json.
    let expected: serde_json::Value = serde_json::from_str(CANONICAL).unwrap();
    assert_eq!(job.to_custom().unwrap(), expected);
    // Decoding the native value gives the same message back.
    let again = spark_job(Some(&expected)).unwrap();
    assert!(again.unknown_fields.is_empty());
    assert_eq!(again.value, job);
}

#[test]
fn decodes_the_serde_json_value_too() {
    let value: serde_json::Value = serde_json::from_str(CUSTOM).unwrap();
    let decoded = spark_job(Some(&value)).unwrap();
    assert_eq!(decoded.unknown_fields, vec!["futureField".to_string()]);
    assert_eq!(decoded.value.to_custom_string().unwrap(), CANONICAL);
}

#[test]
fn missing_or_empty_custom_is_the_default() {
    assert_eq!(spark_job(None).unwrap().value, SparkJob::default());
    assert_eq!(
        SparkJob::from_custom_str("{}").unwrap().value,
        SparkJob::default()
    );
    assert_eq!(SparkJob::default().to_custom_string().unwrap(), "{}");
}

#[test]
fn strict_mode_rejects_unknown_keys() {
    let err = SparkJob::from_custom_str_with(CUSTOM, &DecodeOptions::strict()).unwrap_err();
    assert_eq!(err.to_string(), "futureField: unknown field");
    let err =
        SparkJob::from_custom_str_with(r#"{"driver": {"cores": 2}}"#, &DecodeOptions::strict())
            .unwrap_err();
    assert_eq!(err.path(), "driver.cores");
}

#[test]
fn errors_carry_the_json_path() {
    let err =
        SparkJob::from_custom_str(r#"{"sparkConf": {"spark.executor.cores": 4}}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        "sparkConf.spark.executor.cores: expected a string, got number"
    );
    let err = SparkJob::from_custom_str(r#"{"executor": {"instances": 2.5}}"#).unwrap_err();
    assert_eq!(err.path(), "executor.instances");
    let err = SparkJob::from_custom_str(r#"{"applicationType": "COBOL"}"#).unwrap_err();
    assert_eq!(err.path(), "applicationType");
    let err = SparkJob::from_custom_str(r#"{"mainClass": "A", "main_class": "B"}"#).unwrap_err();
    // Two spellings of one field: the error is at the key that sorts second by UTF-16 code
    // units ('_' > 'C'), naming the other one (docs/json-contract.md, "Decoding").
    assert_eq!(err.path(), "main_class");
    assert!(
        err.to_string().contains("\"mainClass\" and \"main_class\""),
        "{err}"
    );
    let err = SparkJob::from_custom_str("[1]").unwrap_err();
    assert_eq!(err.to_string(), "(root): expected an object, got array");
}

#[test]
fn int64_keeps_full_precision() {
    let text = r#"{"retryBackoffSeconds": 9007199254740993}"#;
    let job = SparkJob::from_custom_str(text).unwrap().value;
    assert_eq!(job.retry_backoff_seconds, 9_007_199_254_740_993);
    assert_eq!(
        job.to_custom_string().unwrap(),
        r#"{"retryBackoffSeconds":"9007199254740993"}"#
    );
    let job = SparkJob::from_custom_str(r#"{"retryBackoffSeconds": "-9223372036854775808"}"#)
        .unwrap()
        .value;
    assert_eq!(job.retry_backoff_seconds, i64::MIN);
    let err =
        SparkJob::from_custom_str(r#"{"retryBackoffSeconds": "9223372036854775808"}"#).unwrap_err();
    assert_eq!(err.path(), "retryBackoffSeconds");
}

#[test]
fn encodes_a_job_built_in_rust() {
    let mut databricks = Struct::new();
    databricks.insert("spark_version".into(), "13.3".into());
    let job = SparkJob {
        application_type: SparkJobApplicationType::Java,
        executor: Some(SparkJobPodSpec {
            instances: 3,
            ..Default::default()
        }),
        databricks_conf: Some(databricks),
        // Set at its default, an implicit-presence field is omitted.
        main_class: String::new(),
        ..Default::default()
    };
    assert_eq!(
        job.to_custom_string().unwrap(),
        r#"{"applicationType":"JAVA","databricksConf":{"spark_version":"13.3"},"executor":{"instances":3}}"#
    );
    // An integer beyond 2^53 cannot travel through a Struct.
    let mut big = Struct::new();
    big.insert("n".into(), serde_json::json!(9_007_199_254_740_993_u64));
    let job = SparkJob {
        databricks_conf: Some(big),
        ..Default::default()
    };
    assert_eq!(job.to_custom().unwrap_err().path(), "databricksConf.n");
}
