//! Compiles the event schemas with protox (pure Rust), so no system `protoc` is needed.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let schemas = [
        "schemas/crocevia/events/v1/events.proto",
        "schemas/crocevia/events/v1/matches.proto",
        "schemas/crocevia/events/v1/indexed.proto",
    ];
    for schema in schemas {
        println!("cargo:rerun-if-changed={schema}");
    }
    let descriptors = protox::compile(schemas, ["schemas"])?;
    // Type names (`prost::Name`): the content-type header names each payload's message.
    prost_build::Config::new().enable_type_names().compile_fds(descriptors)?;
    Ok(())
}
