package dev.mtlscli.cmd;

import dev.mtlscli.workspace.WrittenFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The "files" array of `certs create` and `certs import --output json`: path, role and service of each file written. */
final class WrittenFilesJson {
    private WrittenFilesJson() {
    }

    static List<Object> of(List<WrittenFile> written) {
        List<Object> files = new ArrayList<>();
        for (WrittenFile file : written) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("path", file.path());
            node.put("role", file.role().id());
            node.put("service", file.service());
            files.add(node);
        }
        return files;
    }
}
