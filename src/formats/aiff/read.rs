use crate::formats::source::Source;
use crate::formats::{Collector, FormatError};

pub(crate) fn read(src: &mut Source, c: &mut Collector) -> Result<(), FormatError> {
    let _ = (src, c);
    Ok(())
}
